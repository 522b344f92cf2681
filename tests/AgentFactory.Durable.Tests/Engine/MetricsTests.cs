using System.Diagnostics.Metrics;

namespace AgentFactory.Durable.Tests.Engine;

/// <summary>The engine's Meter is static, so these tests run alone: no other test's engine adds to the counts.</summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;

[Collection(nameof(MetricsCollection))]
public class MetricsTests
{
    [Fact(Timeout = 60_000)]
    public async Task Meter_OrchestrationWithActivities_CountsEpisodesAndActivitiesByOutcome()
    {
        long episodes = 0;
        long completedActivities = 0;
        long failedActivities = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DurableTaskDiagnostics.Name && instrument.Name is "durable.episodes" or "durable.activities")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "durable.episodes")
            {
                Interlocked.Add(ref episodes, value);
                return;
            }

            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag is { Key: "outcome", Value: "completed" })
                {
                    Interlocked.Add(ref completedActivities, value);
                }
                else if (tag is { Key: "outcome", Value: "failed" })
                {
                    Interlocked.Add(ref failedActivities, value);
                }
            }
        });
        listener.Start();

        EngineHost host = await EngineHost.StartAsync(r => r
            .AddActivityFunc<int, int>("Inc", (_, x) => x + 1)
            .AddActivityFunc<string, string>("Fail", Failing.Throw)
            .AddOrchestratorFunc<int>("Measured", async ctx =>
            {
                int x = await ctx.CallActivityAsync<int>("Inc", 0);
                x = await ctx.CallActivityAsync<int>("Inc", x);
                try
                {
                    await ctx.CallActivityAsync<string>("Fail", "expected");
                }
                catch (TaskFailedException)
                {
                    x += 10;
                }

                return x;
            }));
        OrchestrationMetadata result;
        try
        {
            result = await host.RunAsync("Measured");
        }
        finally
        {
            // Stopping the worker lets the last episode record its measurement (it is counted after the commit).
            await host.DisposeAsync();
        }

        Assert.Equal(12, result.ReadOutputAs<int>());
        // Four episodes: start, and one per activity result. "At least": a counter must never under-report.
        Assert.True(Interlocked.Read(ref episodes) >= 4, $"episodes: {Interlocked.Read(ref episodes)}");
        Assert.True(Interlocked.Read(ref completedActivities) >= 2, $"completed activities: {Interlocked.Read(ref completedActivities)}");
        Assert.True(Interlocked.Read(ref failedActivities) >= 1, $"failed activities: {Interlocked.Read(ref failedActivities)}");
    }
}
