using AgentFactory.Durable;

namespace AgentFactory.Sample;

/// <summary>What the sample creates.</summary>
public sealed record AgentRequest(string Name, string Template, double Cpu, double MemoryGb);

/// <summary>The step the workflow is at, as clients read it from the custom status.</summary>
public sealed record Progress(string Step, string? Detail = null);

/// <summary>The sample orchestration and its activities.</summary>
public static class SampleWorkflow
{
    // ANCHORS.md: Container Instances Linux, East US, 730 h/month.
    private const double VcpuHour = 0.0405;
    private const double GbHour = 0.00445;

    public static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<AgentRequest, string>(nameof(SampleWorkflow), RunAsync)
        .AddActivityFunc<AgentRequest, string[]>("Validate", (_, r) => Validate(r))
        .AddActivityFunc<AgentRequest, double>("EstimateCost", (_, r) => Math.Round(730 * (r.Cpu * VcpuHour + r.MemoryGb * GbHour), 2))
        .AddActivityFunc<string, string>("Provision", (ctx, resource) => $"{resource}:{ctx.InstanceId[..8]}")
        .AddActivityFunc<AgentRequest, string>("StartAgent", (_, r) => $"{r.Name} running");

    private static async Task<string> RunAsync(TaskOrchestrationContext context, AgentRequest request)
    {
        context.SetCustomStatus(new Progress("validate"));
        string[] errors = await context.CallActivityAsync<string[]>("Validate", request);
        if (errors.Length > 0)
        {
            return "invalid: " + string.Join("; ", errors);
        }

        double monthly = await context.CallActivityAsync<double>("EstimateCost", request);
        context.SetCustomStatus(new Progress("review", $"${monthly}/month, waiting for approval"));
        bool approved;
        try
        {
            approved = await context.WaitForExternalEvent<bool>("Approval", TimeSpan.FromHours(24));
        }
        catch (TaskCanceledException)
        {
            return "expired: nobody approved within 24 hours";
        }

        if (!approved)
        {
            return "cancelled";
        }

        context.SetCustomStatus(new Progress("provision"));
        string[] resources = await Task.WhenAll(
            new[] { "queue", "storage", "monitoring", "container" }.Select(r => context.CallActivityAsync<string>("Provision", r)));
        string started = await context.CallActivityAsync<string>("StartAgent", request);
        context.SetCustomStatus(new Progress("done"));
        return $"{started}; resources {string.Join(", ", resources)}; ${monthly}/month";
    }

    private static string[] Validate(AgentRequest r)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(r.Name))
        {
            errors.Add("name is required");
        }

        if (r.Cpu is not (0.5 or 1 or 2 or 4))
        {
            errors.Add("cpu must be 0.5, 1, 2 or 4");
        }

        return [.. errors];
    }

    /// <summary>Polls the status until the workflow reports <paramref name="step"/>.</summary>
    public static async Task<OrchestrationMetadata> WaitForStepAsync(DurableTaskClient client, string id, string step)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            OrchestrationMetadata? instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, timeout.Token);
            if (instance?.ReadCustomStatusAs<Progress>()?.Step == step || instance?.IsCompleted == true)
            {
                return instance;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
