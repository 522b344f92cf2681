using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentFactory.Durable;

/// <summary>The engine's trace source and meter, both named "AgentFactory.Durable".</summary>
public static class DurableTaskDiagnostics
{
    /// <summary>Name of the <see cref="System.Diagnostics.ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "AgentFactory.Durable";

    /// <summary>Spans for episodes ("orchestration ...") and activities ("activity ...").</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Episodes = Meter.CreateCounter<long>("durable.episodes", description: "Orchestration episodes executed.");

    internal static readonly Counter<long> ReplayedEvents = Meter.CreateCounter<long>("durable.replayed_events", description: "History events replayed.");

    internal static readonly Counter<long> ActivityExecutions = Meter.CreateCounter<long>("durable.activities", description: "Activity executions.");

    internal static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>("durable.activity.duration", "ms", "Activity execution time.");

    internal static readonly Histogram<double> EpisodeDuration = Meter.CreateHistogram<double>("durable.episode.duration", "ms", "Episode time: replay, new events, commit.");
}
