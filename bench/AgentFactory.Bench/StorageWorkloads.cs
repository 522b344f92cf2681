using AgentFactory.Durable;

namespace AgentFactory.Bench;

/// <summary>The in-memory scenarios' orchestrators and activities, plus the two that wait for external events.</summary>
internal static class StorageWorkloads
{
    /// <summary>Waits for the event <see cref="Next"/> n times, setting its custom status to each payload: one episode per event.</summary>
    public const string EventLoop = "EventLoop";

    /// <summary>Waits for one event <see cref="Next"/> (a wizard waiting for a person): the memory scenario parks 10,000 of these.</summary>
    public const string Waiter = "Waiter";

    public const string Next = "next";

    public static void Register(DurableTaskRegistry registry)
    {
        Workloads.Register(registry);
        registry
            .AddOrchestratorFunc<int, int>(EventLoop, async (context, n) =>
            {
                int last = 0;
                for (int i = 0; i < n; i++)
                {
                    last = await context.WaitForExternalEvent<int>(Next);
                    context.SetCustomStatus(last);
                }

                return last;
            })
            .AddOrchestratorFunc<int>(Waiter, async context => await context.WaitForExternalEvent<int>(Next));
    }
}
