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

        // Without this check an unknown name reads as non-determinism: the first recorded action would be
        // reported as "not produced by the code", when no code ran at all.
        if (history.Events.OfType<ExecutionStartedEvent>().FirstOrDefault() is { } started && Resolve(started.Name) is null)
        {
            return ReplayResult.Fail($"No orchestrator named '{started.Name}' is registered with this replayer, so the history cannot be checked.");
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
                return ReplayResult.Fail($"The history ended {recorded.Status}; the current code ends {result.Status}{Why(result)}");
            }

            if (recorded.Status == OrchestrationRuntimeStatus.Completed && !JsonEquals(recorded.Result, result.Output))
            {
                return ReplayResult.Fail($"The history's output was {recorded.Result ?? "null"}; the current code returns {result.Output ?? "null"}.");
            }
        }
        else if (result.Status.IsTerminal() && history.Events.OfType<ExecutionTerminatedEvent>().Any() is false)
        {
            return ReplayResult.Fail($"The history was still running; replaying it the current code ends {result.Status}{Why(result)}");
        }

        return ReplayResult.Success;
    }

    /// <summary>Replays an exported history in JSON (the format of <see cref="HistoryExport.ToJson"/>).</summary>
    public ReplayResult Replay(string json) => Replay(HistoryExport.FromJson(json));

    // Names the failure, or the actions the code went on to produce past the recorded end (for example an
    // activity added after the last one a finished history has), so that the message says what changed.
    private static string Why(EpisodeResult result) =>
        result.Failure is not null ? $": {result.Failure}"
        : result.NewActions.Count > 0 ? $": replaying the history produced {string.Join(", ", result.NewActions.Select(a => a.Describe()))}, which the history does not have."
        : ".";

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
