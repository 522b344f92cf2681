using System.Text.Json;
using AgentFactory.Durable.Execution;
using AgentFactory.Durable.History;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentFactory.Durable.Replay;

/// <summary>
/// Replays saved histories against the current orchestrator code, so that a team can check before
/// deploying that a change does not break running (or finished) instances.
/// </summary>
public sealed class Replayer
{
    private readonly DurableTaskRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly OrchestrationExecutor _executor;

    /// <summary>Creates a replayer for the orchestrators in <paramref name="registry"/>.</summary>
    public Replayer(DurableTaskRegistry registry, IServiceProvider? services = null, EngineLimits? limits = null)
    {
        _registry = registry;
        _services = services ?? EmptyServices.Instance;
        _executor = new OrchestrationExecutor(limits ?? EngineLimits.Default, NullLoggerFactory.Instance);
    }

    /// <summary>Replays <paramref name="history"/>; the result says whether the code still fits it, and if not, why.</summary>
    public ReplayResult Replay(HistoryExport history)
    {
        if (history.Events.Count == 0 || history.Events[0] is not (ExecutionStartedEvent or OrchestratorStartedEvent))
        {
            return ReplayResult.Fail("The history is empty or does not begin with OrchestratorStarted/ExecutionStarted.");
        }

        DateTime end = history.Events[^1].Timestamp;
        EpisodeResult? result = _executor.Execute(history.InstanceId, history.Events, [], end, Resolve);
        if (result is null)
        {
            return ReplayResult.Fail("The history has no ExecutionStarted event.");
        }

        if (result.Failure is { } failure && failure.ErrorType == typeof(NonDeterministicOrchestrationException).FullName)
        {
            return ReplayResult.Fail(failure.ErrorMessage);
        }

        if (history.Events.OfType<ExecutionCompletedEvent>().LastOrDefault() is { } recorded)
        {
            if (recorded.Status != result.Status)
            {
                return ReplayResult.Fail($"The history ended {recorded.Status}; the current code ends {result.Status}" +
                    (result.Failure is null ? "." : $": {result.Failure}"));
            }

            if (recorded.Status == OrchestrationRuntimeStatus.Completed && !JsonEquals(recorded.Result, result.Output))
            {
                return ReplayResult.Fail($"The history's output was {recorded.Result ?? "null"}; the current code returns {result.Output ?? "null"}.");
            }
        }
        else if (result.Status.IsTerminal() && history.Events.OfType<ExecutionTerminatedEvent>().Any() is false)
        {
            return ReplayResult.Fail($"The history was still running; replaying it the current code ends {result.Status}" +
                (result.Failure is null ? "." : $": {result.Failure}"));
        }

        return ReplayResult.Success;
    }

    /// <summary>Replays an exported history in JSON (the format of <see cref="HistoryExport.ToJson"/>).</summary>
    public ReplayResult Replay(string json) => Replay(HistoryExport.FromJson(json));

    private ITaskOrchestrator? Resolve(string name) =>
        _registry.TryGetOrchestrator(name, _services, out ITaskOrchestrator? orchestrator) ? orchestrator : null;

    private static bool JsonEquals(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a == b;
        }

        using JsonDocument x = JsonDocument.Parse(a);
        using JsonDocument y = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(x.RootElement, y.RootElement);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}

/// <summary>The outcome of a replay.</summary>
/// <param name="IsDeterministic">True when the code fits the history.</param>
/// <param name="Message">Why it does not, naming the expected and the actual action.</param>
public sealed record ReplayResult(bool IsDeterministic, string? Message)
{
    /// <summary>The code fits the history.</summary>
    public static ReplayResult Success { get; } = new(true, null);

    internal static ReplayResult Fail(string message) => new(false, message);
}
