using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.Cli;

/// <summary>
/// <c>instances …</c>: Durable Functions' management API under <c>/runtime/webhooks/durabletask</c> (the automation
/// and ops roles may call it). The caller sees its own tenant's instances only.
/// </summary>
internal static class InstancesCommands
{
    private const string Prefix = "runtime/webhooks/durabletask/instances";
    private const string ContinuationHeader = "x-ms-continuation-token";

    public static async Task<int> ListAsync(CliContext cli, Arguments args)
    {
        var query = new Query();
        query.Add("runtimeStatus", args.Option("status"));
        query.Add("createdTimeFrom", args.Option("created-from"));
        query.Add("createdTimeTo", args.Option("created-to"));
        query.Add("instanceIdPrefix", args.Option("prefix"));
        query.Add("top", args.IntOption("top", 1, 1000)?.ToString(CultureInfo.InvariantCulture));
        bool all = args.Flag("all");
        string? token = args.Option("continuation");
        args.EnsureAllUsed();
        if (all && token is not null)
        {
            throw new UsageException("--all and --continuation exclude each other.");
        }

        var instances = new List<JsonElement>();
        do
        {
            string? sent = token;
            ApiResponse page = await cli.Api.GetAsync(Prefix + query, cli.CancellationToken, request =>
            {
                if (sent is { Length: > 0 })
                {
                    request.Headers.TryAddWithoutValidation(ContinuationHeader, sent);
                }
            });
            using (JsonDocument document = page.Json())
            {
                instances.AddRange(document.RootElement.EnumerateArray().Select(i => i.Clone()));
            }

            token = page.Header(ContinuationHeader) is { Length: > 0 } next ? next : null;
        }
        while (all && token is not null);

        if (cli.Json)
        {
            // One documented shape for one page or all of them: the API's status objects and where to go on.
            var result = new JsonObject
            {
                ["instances"] = new JsonArray([.. instances.Select(i => JsonNode.Parse(i.GetRawText()))]),
                ["continuationToken"] = token,
            };
            cli.Out.WriteLine(result.ToJsonString());
            return ExitCodes.Success;
        }

        var table = new Table("INSTANCE", "NAME", "STATUS", "CREATED", "UPDATED");
        foreach (JsonElement i in instances)
        {
            table.Add(Text.Of(i, "instanceId"), Text.Of(i, "name"), Text.Of(i, "runtimeStatus"), Text.Time(Text.Of(i, "createdTime")),
                Text.Time(Text.Of(i, "lastUpdatedTime")));
        }

        table.Write(cli.Out);
        if (token is not null)
        {
            cli.Error.WriteLine($"More instances: add --all, or --continuation '{token}' for the next page.");
        }

        return ExitCodes.Success;
    }

    public static async Task<int> ShowAsync(CliContext cli, Arguments args)
    {
        string id = args.Next("the instance id");
        bool history = args.Flag("history");
        args.EnsureAllUsed();
        ApiResponse response = await GetInstanceAsync(cli, id, history);
        return cli.Write(response, status => WriteInstance(cli.Out, status, history));
    }

    private static void WriteInstance(TextWriter output, JsonElement status, bool history)
    {
        var table = new Table("FIELD", "VALUE");
        table.Add("instance", Text.Of(status, "instanceId"));
        table.Add("name", Text.Of(status, "name"));
        table.Add("status", Text.Of(status, "runtimeStatus"));
        table.Add("created", Text.Time(Text.Of(status, "createdTime")));
        table.Add("updated", Text.Time(Text.Of(status, "lastUpdatedTime")));
        table.Add("input", Text.Truncate(Text.Of(status, "input") ?? "", 200));
        table.Add("output", Text.Truncate(Text.Of(status, "output") ?? "", 200));
        table.Write(output);
        if (status.TryGetProperty("customStatus", out JsonElement custom) && custom.ValueKind != JsonValueKind.Null)
        {
            output.WriteLine();
            output.WriteLine("custom status:");
            output.WriteLine(Text.Pretty(custom));
        }

        if (history)
        {
            output.WriteLine();
            WriteHistory(output, status);
        }
    }

    public static async Task<int> HistoryAsync(CliContext cli, Arguments args)
    {
        string id = args.Next("the instance id");
        args.EnsureAllUsed();
        ApiResponse response = await GetInstanceAsync(cli, id, history: true);
        using JsonDocument document = response.Json();
        if (cli.Json)
        {
            cli.Out.WriteLine(document.RootElement.TryGetProperty("historyEvents", out JsonElement events) ? events.GetRawText() : "[]");
            return ExitCodes.Success;
        }

        WriteHistory(cli.Out, document.RootElement);
        return ExitCodes.Success;
    }

    public static async Task<int> RaiseAsync(CliContext cli, Arguments args)
    {
        string id = args.Next("the instance id");
        string eventName = args.Next("the event name");
        string data = EventData(args.Option("data"));
        args.EnsureAllUsed();
        ApiResponse response = await cli.Api.PostJsonAsync($"{Prefix}/{Escape(id)}/raiseEvent/{Escape(eventName)}", data, cli.CancellationToken);
        WriteAccepted(cli, response, $"Raised '{eventName}' on {id}.");
        return ExitCodes.Success;
    }

    /// <summary>suspend, resume, terminate: 202; 404 unknown; 410 finished.</summary>
    public static async Task<int> ControlAsync(CliContext cli, Arguments args, string operation)
    {
        string id = args.Next("the instance id");
        var query = new Query();
        query.Add("reason", args.Option("reason"));
        args.EnsureAllUsed();
        ApiResponse response = await cli.Api.PostJsonAsync($"{Prefix}/{Escape(id)}/{operation}{query}", null, cli.CancellationToken);
        string done = operation switch
        {
            "suspend" => "Suspend",
            "resume" => "Resume",
            _ => "Terminate",
        };
        WriteAccepted(cli, response, $"{done} of {id} accepted.");
        return ExitCodes.Success;
    }

    public static async Task<int> RestartAsync(CliContext cli, Arguments args)
    {
        string id = args.Next("the instance id");
        bool sameId = args.Flag("same-id");
        args.EnsureAllUsed();
        ApiResponse response = await cli.Api.PostJsonAsync($"{Prefix}/{Escape(id)}/restart?restartWithNewInstanceId={(sameId ? "false" : "true")}", null,
            cli.CancellationToken);
        return cli.Write(response, payload => cli.Out.WriteLine($"Restarted {id} as {Text.Of(payload, "id")}."));
    }

    /// <summary>One finished instance by id, or every finished instance a filter matches (createdTimeFrom required).</summary>
    public static async Task<int> PurgeAsync(CliContext cli, Arguments args)
    {
        string? id = args.NextOrNull();
        var query = new Query();
        string? from = args.Option("created-from");
        query.Add("createdTimeFrom", from);
        query.Add("createdTimeTo", args.Option("created-to"));
        query.Add("runtimeStatus", args.Option("status"));
        args.EnsureAllUsed();
        string path = (id, query.ToString()) switch
        {
            ({ } one, "") => $"{Prefix}/{Escape(one)}",
            (null, _) when from is not null => Prefix + query,
            (null, _) => throw new UsageException("purge needs an instance id, or a filter starting with --created-from."),
            _ => throw new UsageException("purge takes an instance id or a filter, not both."),
        };

        ApiResponse response = await cli.Api.DeleteAsync(path, cli.CancellationToken);
        return cli.Write(response, result => cli.Out.WriteLine($"Purged {Text.Of(result, "instancesDeleted")} instance(s)."));
    }

    private static Task<ApiResponse> GetInstanceAsync(CliContext cli, string id, bool history) =>
        cli.Api.GetAsync($"{Prefix}/{Escape(id)}?showInput=true{(history ? "&showHistory=true&showHistoryOutput=true" : "")}", cli.CancellationToken);

    private static void WriteAccepted(CliContext cli, ApiResponse response, string message)
    {
        if (cli.Json)
        {
            // 202 answers carry no body: a stable shape for scripts.
            cli.Out.WriteLine(new JsonObject { ["accepted"] = true, ["status"] = (int)response.Status }.ToJsonString());
        }
        else
        {
            cli.Out.WriteLine(message);
        }
    }

    /// <summary>The event's data: JSON text, or <c>@file</c>; none sends JSON null.</summary>
    private static string EventData(string? option)
    {
        if (option is null)
        {
            return "null";
        }

        string text = option;
        if (option.StartsWith('@'))
        {
            try
            {
                text = File.ReadAllText(option[1..]);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"Cannot read --data '{option}': {ex.Message}");
            }
        }

        try
        {
            using JsonDocument _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new UsageException($"--data is not valid JSON: {ex.Message}");
        }

        return text;
    }

    private static void WriteHistory(TextWriter output, JsonElement status)
    {
        var table = new Table("TIME", "EVENT", "NAME", "DETAIL");
        if (status.TryGetProperty("historyEvents", out JsonElement events) && events.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement e in events.EnumerateArray())
            {
                table.Add(Text.Time(Text.Of(e, "Timestamp")), Text.Of(e, "EventType"), Text.Of(e, "FunctionName") ?? Text.Of(e, "Name"), Detail(e));
            }
        }

        table.Write(output);
    }

    private static string Detail(JsonElement e)
    {
        var parts = new List<string>();
        if (Text.Of(e, "ScheduledTime") is { } scheduled && Text.Of(e, "Timestamp") is { } finished
            && DateTimeOffset.TryParse(scheduled, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset s)
            && DateTimeOffset.TryParse(finished, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset f))
        {
            parts.Add($"{(f - s).TotalMilliseconds:0} ms");
        }

        foreach (string name in new[] { "OrchestrationStatus", "FireAt", "Reason", "FailureDetails", "Result" })
        {
            if (Text.Of(e, name) is { Length: > 0 } value)
            {
                parts.Add($"{name}: {Text.Truncate(value, 120)}");
            }
        }

        return string.Join("; ", parts);
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
