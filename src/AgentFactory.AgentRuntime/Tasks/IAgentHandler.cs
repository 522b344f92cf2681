using System.Text.Json;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>
/// Runs task inputs of one template kind (docs/DOMAIN.md, "Sandbox test tasks: the runtime contract").
/// One instance holds the agent's state for its lifetime: the whole service run, or one sandbox task.
/// </summary>
internal interface IAgentHandler : IAsyncDisposable
{
    /// <summary>
    /// Runs <paramref name="op"/> with <paramref name="input"/> and returns the result object (serialized with
    /// <see cref="RuntimeJson.Options"/>). Bad input throws <see cref="TaskInputException"/>.
    /// </summary>
    Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken);
}

/// <summary>A handler with work of its own besides tasks (a monitoring agent's scheduled checks), run in service mode.</summary>
internal interface IBackgroundWork
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
