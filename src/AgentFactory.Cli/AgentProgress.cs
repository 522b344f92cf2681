using System.Globalization;
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

    /// <summary>Prints events until the deployment finishes; returns its final status (JSON). Throws <see cref="TimeoutException"/>.</summary>
    public static async Task<string> FollowAsync(CliContext cli, string id, TextWriter progress, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cli.CancellationToken);
        deadline.CancelAfter(timeout);
        string path = $"api/platform/factory/agents/{Uri.EscapeDataString(id)}";
        long cursor = 0;
        int failures = 0;
        try
        {
            while (true)
            {
                bool streamed = false;
                try
                {
                    using HttpResponseMessage response = await cli.Api.OpenStreamAsync($"{path}/events?after={cursor}", "text/event-stream", deadline.Token);
                    streamed = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
                    cursor = streamed
                        ? await ReadStreamAsync(response, progress, cursor, deadline.Token)
                        : ReadPage(await response.Content.ReadAsStringAsync(deadline.Token), progress, cursor);
                    failures = 0;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && !deadline.IsCancellationRequested && ++failures <= MaxReconnects)
                {
                    progress.WriteLine($"(connection lost: {ex.Message}; resuming after event {cursor})");
                }

                // A stream ends when the deployment has finished (or a proxy cut it): the status says which.
                ApiResponse status = await cli.Api.GetAsync($"{path}/status", deadline.Token);
                using (JsonDocument view = status.Json())
                {
                    if (IsFinished(Text.Of(view.RootElement, "status")))
                    {
                        // Events written between the last read and the end are printed before the outcome.
                        ApiResponse rest = await cli.Api.GetAsync($"{path}/events?after={cursor}&max=1000", deadline.Token);
                        ReadPage(rest.Body, progress, cursor);
                        return status.Body;
                    }
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

    public static bool IsFinished(string? status) =>
        status is not null && (status.Equals("succeeded", StringComparison.OrdinalIgnoreCase) || status.Equals("failed", StringComparison.OrdinalIgnoreCase)
            || status.Equals("cancelled", StringComparison.OrdinalIgnoreCase) || status.Equals("expired", StringComparison.OrdinalIgnoreCase));

    // text/event-stream: "id:", "event:" and "data:" lines, an empty line ending each event. The data is the whole event.
    private static async Task<long> ReadStreamAsync(HttpResponseMessage response, TextWriter progress, long cursor, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    cursor = Print(data.ToString(), progress, cursor);
                    data.Clear();
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(data.Length > 0 ? "\n" : "").Append(line.AsSpan(line.StartsWith("data: ", StringComparison.Ordinal) ? 6 : 5));
            }
        }

        return cursor;
    }

    // application/json: {"events":[…],"cursor":N}.
    private static long ReadPage(string json, TextWriter progress, long cursor)
    {
        using JsonDocument page = JsonDocument.Parse(json);
        foreach (JsonElement e in page.RootElement.GetProperty("events").EnumerateArray())
        {
            cursor = Print(e.GetRawText(), progress, cursor);
        }

        return cursor;
    }

    private static long Print(string eventJson, TextWriter progress, long cursor)
    {
        using JsonDocument document = JsonDocument.Parse(eventJson);
        JsonElement e = document.RootElement;
        long sequence = e.GetProperty("sequence").GetInt64();
        if (sequence <= cursor)
        {
            return cursor;
        }

        progress.WriteLine(Line(e));
        return sequence;
    }

    /// <summary><c>12:00:01  [ 40%]  3 sandbox        SandboxResult         message</c>.</summary>
    public static string Line(JsonElement e)
    {
        string time = DateTimeOffset.TryParse(Text.Of(e, "time"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
            ? t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "--:--:--";
        int percent = e.TryGetProperty("progress", out JsonElement p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
        string step = $"{Text.Of(e, "step")} {Text.Of(e, "stepName")}".Trim();
        return $"{time}  [{percent,3}%]  {step,-14} {Text.Of(e, "type"),-21} {Text.Of(e, "message")}".TrimEnd();
    }
}
