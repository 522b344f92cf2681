using AgentFactory.Durable;

namespace AgentFactory.Bench;

/// <summary>The orchestrators and activities the scenarios run (ordinary user code for the engine).</summary>
internal static class Workloads
{
    /// <summary>Calls <c>Echo</c> n times in sequence and returns the sum: history grows by 4 events per call.</summary>
    public const string Loop = "Loop";

    /// <summary>Five sequential activities, as HelloCities5 / HelloSequence5 in the published benchmarks.</summary>
    public const string HelloSequence5 = "HelloSequence5";

    /// <summary>Calls <c>Square</c> n times in parallel and waits for all (fan-out / fan-in).</summary>
    public const string FanOut = "FanOut";

    public const string Echo = "Echo";
    public const string Hello = "Hello";
    public const string Square = "Square";

    public static readonly string[] Cities = ["Tokyo", "Seattle", "London", "Cairo", "Oslo"];

    public static void Register(DurableTaskRegistry registry) => registry
        .AddActivityFunc<int, int>(Echo, (_, i) => i)
        .AddActivityFunc<string, string>(Hello, (_, city) => $"Hello {city}!")
        .AddActivityFunc<int, long>(Square, (_, i) => (long)i * i)
        .AddOrchestratorFunc<int, long>(Loop, async (context, n) =>
        {
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += await context.CallActivityAsync<int>(Echo, i);
            }

            return sum;
        })
        .AddOrchestratorFunc<object?, List<string>>(HelloSequence5, async (context, _) =>
        {
            var greetings = new List<string>(Cities.Length);
            foreach (string city in Cities)
            {
                greetings.Add(await context.CallActivityAsync<string>(Hello, city));
            }

            return greetings;
        })
        .AddOrchestratorFunc<int, long>(FanOut, async (context, n) =>
        {
            var calls = new Task<long>[n];
            for (int i = 0; i < n; i++)
            {
                calls[i] = context.CallActivityAsync<long>(Square, i);
            }

            long[] squares = await Task.WhenAll(calls);
            return squares.Sum();
        });
}
