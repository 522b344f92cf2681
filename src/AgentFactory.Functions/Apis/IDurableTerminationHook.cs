using AgentFactory.Durable;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Runs when the management API is about to terminate an instance, before the terminate is sent: what must follow a
/// terminate is made durable first (the agent-creation clean-up is scheduled here), so a crash between the two still
/// leads to it. A hook that throws fails the request (500) and nothing is terminated; the client may retry.
/// </summary>
public interface IDurableTerminationHook
{
    /// <summary>Called for every instance the API terminates; a hook acts only on the orchestrations it knows.</summary>
    Task BeforeTerminateAsync(OrchestrationMetadata instance, string? reason, CancellationToken cancellationToken);
}
