using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Tests.DurableTaskApi;

/// <summary>The orchestrations the API tests drive.</summary>
internal static class TestOrchestrations
{
    /// <summary>Sets a custom status, waits for "Approve" and returns "approved by {data}".</summary>
    public const string Approval = "Approval";

    /// <summary>Says hello to each city of its input (string[]) through the "SayHello" activity.</summary>
    public const string Cities = "Cities";

    /// <summary>Calls the "Explode" activity, which throws; the instance fails.</summary>
    public const string Failing = "Failing";

    /// <summary>Returns its input.</summary>
    public const string Echo = "Echo";

    /// <summary>Runs <see cref="Echo"/> as a sub-orchestration with id "{own id}-child" and returns its output.</summary>
    public const string Parent = "Parent";

    public static void Register(DurableTaskRegistry registry) => registry
        .AddOrchestratorFunc<string>(Approval, async ctx =>
        {
            ctx.SetCustomStatus(new { stage = "waiting", approvers = new[] { "ops" } });
            string by = await ctx.WaitForExternalEvent<string>("Approve");
            return $"approved by {by}";
        })
        .AddOrchestratorFunc<string[], string[]>(Cities, async (ctx, cities) =>
        {
            var greetings = new List<string>();
            foreach (string city in cities ?? [])
            {
                greetings.Add(await ctx.CallActivityAsync<string>("SayHello", city));
            }

            return [.. greetings];
        })
        .AddActivityFunc<string, string>("SayHello", (_, city) => $"Hello {city}!")
        .AddOrchestratorFunc<string>(Failing, ctx => ctx.CallActivityAsync<string>("Explode", "now"))
        .AddActivityFunc<string, string>("Explode", Explode)
        .AddOrchestratorFunc<JsonElement?, JsonElement?>(Echo, (_, input) => Task.FromResult(input))
        .AddOrchestratorFunc<JsonElement?, JsonElement?>(Parent, (ctx, input) =>
            ctx.CallSubOrchestratorAsync<JsonElement?>(Echo, input, ctx.InstanceId + "-child"));

    private static string Explode(TaskActivityContext context, string input) => throw new InvalidOperationException("boom");
}
