using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace AgentFactory.Cli;

/// <summary>
/// Follows a deployment's event log until it finishes: <c>GET /agents/{id}/events?after=N</c> as Server-Sent Events,
/// one line per event. The sequence of the last event printed is the cursor, so a dropped connection resumes where it
/// broke without repeating or losing events; an answer in JSON instead of a stream (a proxy that drops the Accept
/// header) is read as pages, asking again every second.
/// </summary>
internal static class AgentProgress
{
    private const int MaxReconnects = 5;
    private static readonly TimeSpan PagePoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(3);

    /// <summary>Prints events until the deployment finishes; returns its final status (JSON). Throws <see cref="TimeoutException"/>.</summary>
    public static async Task<string> FollowAsync(CliContext cli, string id, TextWriter progress, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cli.CancellationToken);
        deadline.CancelAfter(timeout);
        string path = $"api/platform/factory/agents/{Uri.EscapeDataString(id)}";
        var cursor = new StrongBox<long>(0);
        int failures = 0;
        try
        {
            while (true)
            {
                bool streamed = false;
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                Task watch = WatchAsync(cli, path, stop);
                try
                {
                    using HttpResponseMessage response = await cli.Api.OpenStreamAsync($"{path}/events?after={cursor.Value}", "text/event-stream", stop.Token);
                    streamed = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
                    if (streamed)
                    {
                        await ReadStreamAsync(response, progress, cursor, stop.Token);
                    }
                    else
                    {
                        ReadPage(await response.Content.ReadAsStringAsync(stop.Token), progress, cursor);
                    }

                    failures = 0;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !deadline.IsCancellationRequested)
                {
                    // The watcher saw the end that the stream does not announce (e.g. the instance was terminated).
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !deadline.IsCancellationRequested && ++failures <= MaxReconnects)
                {
                    progress.WriteLine($"(connection lost: {ex.Message}; resuming after event {cursor.Value})");
                }
                finally
                {
                    await stop.CancelAsync();
                    await watch;
                }

                // A stream ends when the deployment has finished (or a proxy cut it): the status says which.
                ApiResponse status = await cli.Api.GetAsync($"{path}/status", deadline.Token);
                if (IsFinished(status.Body))
                {
                    // Events written between the last read and the end are printed before the outcome.
                    ApiResponse rest = await cli.Api.GetAsync($"{path}/events?after={cursor.Value}&max=1000", deadline.Token);
                    ReadPage(rest.Body, progress, cursor);
                    return status.Body;
                }

                if (!streamed || failures > 0)
                {
                    await Task.Delay(failures > 0 ? TimeSpan.FromSeconds(failures) : PagePoll, deadline.Token);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cli.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Deployment {id} did not finish within {timeout}.");
        }
    }

    /// <summary>
    /// Finished: the deployment says so, or its orchestration ended without saying so (terminated by an operator,
    /// failed outside an activity, purged) — then the event stream never ends by itself.
    /// </summary>
    public static bool IsFinished(string statusJson)
    {
        using JsonDocument view = JsonDocument.Parse(statusJson);
        string status = Text.Of(view.RootElement, "status") ?? "";
        string runtime = Text.Of(view.RootElement, "runtimeStatus") ?? "purged";
        return status.ToLowerInvariant() is "succeeded" or "failed" or "cancelled" or "expired"
            || runtime.ToLowerInvariant() is "completed" or "failed" or "terminated" or "purged";
    }

    // Asks for the status now and then while the stream is open, and stops the stream when the orchestration has ended.
    private static async Task WatchAsync(CliContext cli, string path, CancellationTokenSource stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(WatchInterval, stop.Token);
                ApiResponse status = await cli.Api.GetAsync($"{path}/status", stop.Token);
                if (IsFinished(status.Body))
                {
                    await stop.CancelAsync();
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or ApiException)
        {
            // Stopped, or the status could not be read: the stream and the check after it decide.
        }
    }

    // text/event-stream: "id:", "event:" and "data:" lines, an empty line ending each event. The data is the whole event.
    private static async Task ReadStreamAsync(HttpResponseMessage response, TextWriter progress, StrongBox<long> cursor, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    Print(data.ToString(), progress, cursor);
                    data.Clear();
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line.AsSpan(line.StartsWith("data: ", StringComparison.Ordinal) ? 6 : 5));
            }
        }
    }

    // application/json: {"events":[…],"cursor":N}.
    private static void ReadPage(string json, TextWriter progress, StrongBox<long> cursor)
    {
        using JsonDocument page = JsonDocument.Parse(json);
        foreach (JsonElement e in page.RootElement.GetProperty("events").EnumerateArray())
        {
            Print(e.GetRawText(), progress, cursor);
        }
    }

    private static void Print(string eventJson, TextWriter progress, StrongBox<long> cursor)
    {
        using JsonDocument document = JsonDocument.Parse(eventJson);
        JsonElement e = document.RootElement;
        long sequence = e.GetProperty("sequence").GetInt64();
        if (sequence > cursor.Value)
        {
            progress.WriteLine(Line(e));
            cursor.Value = sequence;
        }
    }

    /// <summary><c>12:00:01  [ 40%]  3 sandbox        SandboxResult         message</c>.</summary>
    public static string Line(JsonElement e)
    {
        string time = DateTimeOffset.TryParse(Text.Of(e, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
            ? t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "--:--:--";
        int percent = e.TryGetProperty("progress", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
        string step = $"{Text.Of(e, "step")} {Text.Of(e, "stepName")}".Trim();
        return $"{time}  [{percent,3}%]  {step,-16} {Text.Of(e, "type"),-21} {Text.Of(e, "message")}".TrimEnd();
    }
}
