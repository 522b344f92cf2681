using System.Net;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Tests.EndToEnd;

/// <summary>
/// A portal's side of the wizard, over the public routes only: create, read the status, make moves, read the event log.
/// Waiting polls the status route until a condition holds, bounded by <see cref="Timeout"/>.
/// </summary>
internal sealed class WizardHttp(HttpClient client)
{
    /// <summary>Upper bound for any one wait: a hang fails the test instead of stalling the run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public const string Agents = "/api/platform/factory/agents";

    /// <summary>Every text the app answered, to search for a planted secret at the end.</summary>
    public List<string> Responses { get; } = [];

    public HttpClient Client => client;

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Serialize(object value) => JsonSerializer.Serialize(value, AgentFactoryJson.Options);

    /// <summary>POST /agents with <paramref name="body"/>; asserts 202 and returns the deployment id.</summary>
    public async Task<string> CreateAsync(string body)
    {
        HttpResponseMessage response = await client.PostAsync(Agents, Json(body));
        string text = await Keep(response);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /agents: {(int)response.StatusCode} {text}");
        using JsonDocument accepted = JsonDocument.Parse(text);
        string id = accepted.RootElement.GetProperty("deploymentId").GetString()!;
        Assert.Equal($"{Agents}/{id}/status", response.Headers.Location?.OriginalString);
        return id;
    }

    public async Task<DeploymentView> StatusAsync(string id)
    {
        HttpResponseMessage response = await client.GetAsync($"{Agents}/{id}/status");
        string text = await Keep(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET status: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<DeploymentView>(text, AgentFactoryJson.Options)!;
    }

    /// <summary>Polls the status route until <paramref name="condition"/> holds.</summary>
    public async Task<DeploymentView> WaitAsync(string id, Func<DeploymentView, bool> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        DeploymentView? last = null;
        while (true)
        {
            last = await StatusAsync(id);
            if (condition(last))
            {
                return last;
            }

            try
            {
                await Task.Delay(25, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                AgentCreationStatus? c = last.Creation;
                throw new TimeoutException($"Not within {Timeout}: {what}. Last status: {last.Status}, step {c?.Step.Name} {c?.State}: {c?.Message} "
                    + $"errors [{string.Join("; ", c?.ValidationErrors.Select(e => $"{e.Pointer} {e.Code}") ?? [])}] {c?.Error}");
            }
        }
    }

    /// <summary>Waits until the deployment waits for input at <paramref name="step"/> (and <paramref name="also"/> holds).</summary>
    public Task<DeploymentView> WaitForInputAsync(string id, WizardStep step, Func<AgentCreationStatus, bool>? also = null) =>
        WaitAsync(id, v => v.Creation is { State: CreationStates.WaitingForInput } c && c.Step.Number == (int)step && (also?.Invoke(c) ?? true),
            $"waiting for input at step {(int)step} ({WizardSteps.NameOf(step)})");

    /// <summary>Waits until the creation has ended, in any final state.</summary>
    public Task<DeploymentView> WaitForEndAsync(string id) =>
        WaitAsync(id, v => CreationStates.IsFinal(v.Creation?.State) && v.RuntimeStatus is { } s && s.IsTerminal(), "the end of the creation");

    /// <summary>POST /agents/{id}/{move}; returns the response (its body is kept).</summary>
    public async Task<HttpResponseMessage> MoveAsync(string id, string move, string? body = null)
    {
        HttpResponseMessage response = await client.PostAsync($"{Agents}/{id}/{move}", body is null ? null : Json(body));
        await Keep(response);
        return response;
    }

    /// <summary>A move that must be accepted (202, naming the event it raised).</summary>
    public async Task MoveAcceptedAsync(string id, string move, string? body = null)
    {
        HttpResponseMessage response = await MoveAsync(id, move, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {move}: {(int)response.StatusCode} {text}");
    }

    /// <summary>One page of the event log: the events after <paramref name="after"/> and the cursor to go on from.</summary>
    public async Task<(IReadOnlyList<DeploymentEvent> Events, long Cursor)> EventsAsync(string id, long after, int max = 1000)
    {
        HttpResponseMessage response = await client.GetAsync($"{Agents}/{id}/events?after={after}&max={max}");
        string text = await Keep(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET events: {(int)response.StatusCode} {text}");
        using JsonDocument page = JsonDocument.Parse(text);
        DeploymentEvent[] events = page.RootElement.GetProperty("events").Deserialize<DeploymentEvent[]>(AgentFactoryJson.Options)!;
        return (events, page.RootElement.GetProperty("cursor").GetInt64());
    }

    /// <summary>The whole log, read page by page of <paramref name="pageSize"/> from the cursor each page returns.</summary>
    public async Task<IReadOnlyList<DeploymentEvent>> AllEventsAsync(string id, int pageSize = 1000)
    {
        var all = new List<DeploymentEvent>();
        long cursor = 0;
        while (true)
        {
            (IReadOnlyList<DeploymentEvent> page, long next) = await EventsAsync(id, cursor, pageSize);
            all.AddRange(page);
            if (page.Count == 0)
            {
                Assert.Equal(cursor, next);
                return all;
            }

            Assert.Equal(page[^1].Sequence, next);
            cursor = next;
        }
    }

    private async Task<string> Keep(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        lock (Responses)
        {
            Responses.Add(text);
        }

        return text;
    }
}

/// <summary>Checks on an event log read through the API.</summary>
internal static class EventLog
{
    /// <summary>Sequences 1…n with no gap or repeat, times never going back.</summary>
    public static void AssertGapFree(IReadOnlyList<DeploymentEvent> events)
    {
        Assert.NotEmpty(events);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i].Time >= events[i - 1].Time, $"event {events[i].Sequence} ({events[i].Type}) is older than the one before");
        }
    }

    /// <summary><paramref name="types"/> appear in this order (others may come between).</summary>
    public static void AssertInOrder(IReadOnlyList<DeploymentEvent> events, params string[] types)
    {
        int at = 0;
        foreach (DeploymentEvent e in events)
        {
            if (at < types.Length && e.Type == types[at])
            {
                at++;
            }
        }

        Assert.True(at == types.Length, $"missing '{(at < types.Length ? types[at] : "")}' (in order) in: {string.Join(", ", events.Select(e => e.Type))}");
    }

    /// <summary>The same events (sequence, type, step), e.g. a log caught up page by page against one read whole.</summary>
    public static void AssertSame(IReadOnlyList<DeploymentEvent> expected, IReadOnlyList<DeploymentEvent> actual) =>
        Assert.Equal(expected.Select(e => (e.Sequence, e.Type, e.Step)), actual.Select(e => (e.Sequence, e.Type, e.Step)));
}
