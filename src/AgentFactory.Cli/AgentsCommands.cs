using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.Cli;

/// <summary>
/// <c>agents create</c> (automation mode: the whole configuration, every step pre-approved; checked with
/// <c>POST /validate</c> first so that its problems are printed before anything is made) and <c>agents status</c>.
/// </summary>
internal static class AgentsCommands
{
    private const string Prefix = "api/platform/factory";

    public static async Task<int> CreateAsync(CliContext cli, Arguments args)
    {
        string configPath = args.RequiredOption("config");
        string? template = args.Option("template");
        int? templateVersion = args.IntOption("template-version", 1, 1_000_000);
        string? idempotencyKey = args.Option("idempotency-key");
        bool wait = args.Flag("wait");
        int? timeoutSeconds = args.IntOption("timeout", 1, 7 * 24 * 3600);
        args.EnsureAllUsed();
        if (timeoutSeconds is not null && !wait)
        {
            throw new UsageException("--timeout applies to --wait only.");
        }

        JsonObject configuration = ReadConfiguration(configPath);
        string templateId = TemplateOf(configuration, template);
        await PinVersionAsync(cli, configuration, templateId, templateVersion);

        ApiResponse validation = await cli.Api.PostJsonAsync($"{Prefix}/validate", configuration.ToJsonString(), cli.CancellationToken);
        using (JsonDocument checkedConfiguration = validation.Json())
        {
            if (!checkedConfiguration.RootElement.GetProperty("valid").GetBoolean())
            {
                if (cli.Json)
                {
                    cli.Out.WriteLine(validation.Body);
                }

                WriteValidationProblems(cli.Error, checkedConfiguration.RootElement.GetProperty("problems"), "The configuration is not valid; nothing was created.");
                return ExitCodes.Rejected;
            }
        }

        var body = new JsonObject
        {
            ["templateId"] = templateId,
            ["automation"] = true,
            ["configuration"] = configuration,
        };
        ApiResponse created = await cli.Api.PostJsonAsync($"{Prefix}/agents", body.ToJsonString(), cli.CancellationToken, request =>
        {
            if (idempotencyKey is not null)
            {
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            }
        });
        using JsonDocument accepted = created.Json();
        string id = accepted.RootElement.GetProperty("deploymentId").GetString()!;
        bool existing = accepted.RootElement.TryGetProperty("existing", out JsonElement e) && e.ValueKind == JsonValueKind.True;

        if (!wait)
        {
            cli.Out.WriteLine(cli.Json ? created.Body
                : $"Deployment {id} {(existing ? "already exists for this idempotency key" : "created")} (template {templateId}). Follow it: agentfactory agents status {id}");
            return ExitCodes.Success;
        }

        // With --json, stdout carries only the final status document; the progress goes to stderr for people watching.
        TextWriter progress = cli.Json ? cli.Error : cli.Out;
        progress.WriteLine($"Deployment {id} {(existing ? "already existed" : "created")} (template {templateId}); following its progress…");
        TimeSpan timeout = TimeSpan.FromSeconds(timeoutSeconds ?? 3600);
        string finalStatus;
        try
        {
            finalStatus = await AgentProgress.FollowAsync(cli, id, progress, timeout);
        }
        catch (TimeoutException)
        {
            cli.Error.WriteLine($"error: deployment {id} did not finish within {timeout.TotalSeconds:0} s; it goes on (agentfactory agents status {id}).");
            return ExitCodes.Server;
        }

        using JsonDocument status = JsonDocument.Parse(finalStatus);
        bool succeeded = string.Equals(Text.Of(status.RootElement, "status"), "succeeded", StringComparison.OrdinalIgnoreCase);
        if (cli.Json)
        {
            cli.Out.WriteLine(finalStatus);
        }
        else if (succeeded)
        {
            cli.Out.WriteLine($"Succeeded: agent '{Text.Of(status.RootElement, "agentName")}' is running (deployment {id}).");
        }

        if (!succeeded)
        {
            WriteFailure(cli.Error, status.RootElement);
        }

        return succeeded ? ExitCodes.Success : ExitCodes.Failed;
    }

    public static async Task<int> StatusAsync(CliContext cli, Arguments args)
    {
        string id = args.Next("the deployment id");
        args.EnsureAllUsed();
        ApiResponse response = await cli.Api.GetAsync($"{Prefix}/agents/{Uri.EscapeDataString(id)}/status", cli.CancellationToken);
        return cli.Write(response, status => WriteStatus(cli.Out, status));
    }

    private static JsonObject ReadConfiguration(string path)
    {
        string text;
        try
        {
            text = path == "-" ? Console.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read --config '{path}': {ex.Message}");
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new UsageException($"--config '{path}' must hold a JSON object (the agent's configuration).");
        }
        catch (JsonException ex)
        {
            throw new UsageException($"--config '{path}' is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>The template from --template, from the file's <c>templateId</c>, or both when they agree.</summary>
    private static string TemplateOf(JsonObject configuration, string? option)
    {
        string? inFile = configuration["templateId"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (option is not null && inFile is not null && !string.Equals(option, inFile, StringComparison.Ordinal))
        {
            throw new UsageException($"--template '{option}' differs from the configuration's templateId '{inFile}'.");
        }

        string templateId = option ?? inFile ?? throw new UsageException("--template is required when the configuration has no templateId.");
        configuration["templateId"] = templateId;
        return templateId;
    }

    /// <summary>The version from --template-version, from the file, or the template's latest (asked of the API).</summary>
    private static async Task PinVersionAsync(CliContext cli, JsonObject configuration, string templateId, int? option)
    {
        int? inFile = configuration["templateVersion"] is JsonValue v && v.TryGetValue(out int n) ? n : null;
        if (option is not null && inFile is not null && option != inFile)
        {
            throw new UsageException($"--template-version {option} differs from the configuration's templateVersion {inFile}.");
        }

        if (option is not null || inFile is not null)
        {
            configuration["templateVersion"] = option ?? inFile;
            return;
        }

        ApiResponse template = await cli.Api.GetAsync($"{Prefix}/templates/{Uri.EscapeDataString(templateId)}", cli.CancellationToken);
        using JsonDocument document = template.Json();
        configuration["templateVersion"] = document.RootElement.GetProperty("version").GetInt32();
    }

    internal static void WriteValidationProblems(TextWriter error, JsonElement problems, string headline)
    {
        error.WriteLine("error: " + headline);
        foreach (JsonElement problem in problems.EnumerateArray())
        {
            string pointer = Text.Of(problem, "pointer") is { Length: > 0 } p ? p : "(configuration)";
            error.WriteLine($"  {pointer}: {Text.Of(problem, "code")}: {Text.Of(problem, "message")}");
        }
    }

    private static void WriteFailure(TextWriter error, JsonElement view)
    {
        JsonElement creation = view.TryGetProperty("creation", out JsonElement c) ? c : default;
        string runtime = Text.Of(view, "runtimeStatus") ?? "purged";
        string outcome = (Text.Of(view, "status") ?? "unknown")
            + (runtime.Equals("completed", StringComparison.OrdinalIgnoreCase) ? "" : $" (orchestration {runtime})");
        string reason = Text.Of(view, "error") ?? Text.Of(creation, "error") ?? Text.Of(creation, "message") ?? "no reason given";
        error.WriteLine($"error: the deployment ended {outcome}: {reason}");
        if (creation.ValueKind == JsonValueKind.Object && creation.TryGetProperty("validationErrors", out JsonElement problems)
            && problems.ValueKind == JsonValueKind.Array && problems.GetArrayLength() > 0)
        {
            WriteValidationProblems(error, problems, "validation problems:");
        }
    }

    private static void WriteStatus(TextWriter output, JsonElement view)
    {
        JsonElement creation = view.TryGetProperty("creation", out JsonElement c) ? c : default;
        var table = new Table("FIELD", "VALUE");
        table.Add("deployment", Text.Of(view, "deploymentId"));
        table.Add("status", $"{Text.Of(view, "status")} (orchestration {Text.Of(view, "runtimeStatus") ?? "purged"})");
        table.Add("step", creation.ValueKind == JsonValueKind.Object && creation.TryGetProperty("step", out JsonElement step)
            ? $"{Text.Of(step, "number")} {Text.Of(step, "name")} ({Text.Of(creation, "state")})"
            : Text.Of(view, "step"));
        table.Add("progress", Text.Of(view, "progress") + "%");
        table.Add("template", $"{Text.Of(view, "templateId")} v{Text.Of(view, "templateVersion")}");
        table.Add("agent", Text.Of(view, "agentName"));
        table.Add("monthly cost", view.TryGetProperty("monthlyCostUsd", out JsonElement cost) && cost.ValueKind == JsonValueKind.Number
            ? cost.GetDecimal().ToString("0.00", CultureInfo.InvariantCulture) + " USD" : null);
        table.Add("waiting for", creation.ValueKind == JsonValueKind.Object && creation.TryGetProperty("waitingFor", out JsonElement w)
            && w.ValueKind == JsonValueKind.Array ? string.Join(", ", w.EnumerateArray().Select(x => x.GetString())) : null);
        table.Add("message", Text.Of(creation, "message"));
        table.Add("error", Text.Of(view, "error"));
        table.Add("created", Text.Time(Text.Of(view, "createdAt")));
        table.Add("updated", Text.Time(Text.Of(view, "updatedAt")));
        table.Add("completed", Text.Of(view, "completedAt") is { } done ? Text.Time(done) : null);
        table.Write(output);

        if (creation.ValueKind == JsonValueKind.Object && creation.TryGetProperty("resources", out JsonElement resources)
            && resources.ValueKind == JsonValueKind.Array && resources.GetArrayLength() > 0)
        {
            output.WriteLine();
            var list = new Table("RESOURCE", "KIND", "NAME", "CHANGE");
            foreach (JsonElement r in resources.EnumerateArray())
            {
                list.Add(Text.Of(r, "step"), Text.Of(r, "kind"), Text.Of(r, "name"), Text.Of(r, "change"));
            }

            list.Write(output);
        }

        if (creation.ValueKind == JsonValueKind.Object && creation.TryGetProperty("validationErrors", out JsonElement problems)
            && problems.ValueKind == JsonValueKind.Array && problems.GetArrayLength() > 0)
        {
            output.WriteLine();
            var list = new Table("POINTER", "CODE", "MESSAGE");
            foreach (JsonElement p in problems.EnumerateArray())
            {
                list.Add(Text.Of(p, "pointer"), Text.Of(p, "code"), Text.Of(p, "message"));
            }

            list.Write(output);
        }
    }
}
