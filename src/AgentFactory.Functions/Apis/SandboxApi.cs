using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Core.Validation;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Sandbox;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// The brief's sandbox routes: <c>POST /sandbox/start</c> (a configuration), <c>POST /sandbox/execute</c> (the
/// template's tests, some of them, or a custom task), <c>GET /sandbox/logs</c> (paged with <c>after</c>),
/// <c>POST /sandbox/stop</c>. Sandboxes belong to the caller's tenant; another tenant's id is simply not found.
/// </summary>
public static class SandboxApi
{
    public static IEndpointRouteBuilder MapSandboxApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup(FactoryHttp.Prefix + "/sandbox").RequireAuthorization("Factory").WithTags("Sandbox");
        group.MapPost("/start", StartAsync).WithName("StartSandbox");
        group.MapPost("/execute", ExecuteAsync).WithName("ExecuteSandbox");
        group.MapGet("/logs", LogsAsync).WithName("SandboxLogs");
        group.MapPost("/stop", StopAsync).WithName("StopSandbox");
        return app;
    }

    private static async Task<IResult> StartAsync(HttpRequest request, ConfigurationRules rules, SandboxService sandbox, SandboxSessions sessions,
        CancellationToken cancellationToken)
    {
        (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            if (!body.RootElement.TryGetProperty("configuration", out JsonElement json))
            {
                return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Missing field", "'configuration' is required: the agent configuration to test.");
            }

            ValidationResult result = rules.Validate(json);
            if (!result.IsValid || result.Configuration is not { } configuration)
            {
                return TypedResults.ValidationProblem(
                    result.Problems.GroupBy(p => "/configuration" + p.Pointer).ToDictionary(g => g.Key, g => g.Select(p => $"{p.Code}: {p.Message}").ToArray()),
                    detail: "Fix the configuration before testing it.", title: "Invalid configuration");
            }

            AgentTemplate template = rules.Templates.Get(configuration.TemplateId, configuration.TemplateVersion)!;
            string tenant = FactoryHttp.TenantOf(request.HttpContext.User);
            string sandboxId = "sbx" + Guid.NewGuid().ToString("N")[..16];
            try
            {
                await sandbox.StartAsync(SandboxSessions.KeyOf(tenant, sandboxId), configuration, template, cancellationToken);
            }
            catch (IsolationUnavailableException ex)
            {
                return FactoryHttp.Problem(StatusCodes.Status503ServiceUnavailable, "Sandbox isolation unavailable", ex.Message);
            }

            await sessions.AddAsync(tenant, sandboxId, template, json, cancellationToken);
            return TypedResults.Created($"{FactoryHttp.Prefix}/sandbox/logs?sandboxId={sandboxId}",
                new { sandboxId, templateId = template.Id, templateVersion = template.Version, tasks = template.TestTasks.Select(t => t.Id) });
        }
    }

    private static async Task<IResult> ExecuteAsync(HttpRequest request, SandboxService sandbox, SandboxSessions sessions, CancellationToken cancellationToken)
    {
        (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            string tenant = FactoryHttp.TenantOf(request.HttpContext.User);
            if (await SessionAsync(body.RootElement, tenant, sessions, cancellationToken) is not var (sandboxId, template, configuration))
            {
                return NotFound();
            }

            IReadOnlyList<SandboxTestTask>? tasks = null;
            if (body.RootElement.TryGetProperty("task", out JsonElement custom))
            {
                try
                {
                    tasks = [custom.Deserialize<SandboxTestTask>(AgentFactoryJson.Options)!];
                }
                catch (JsonException ex)
                {
                    return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid task", "'task' is not a test task (id, description, covers, input, expect): " + ex.Message);
                }
            }
            else if (body.RootElement.TryGetProperty("taskIds", out JsonElement ids) && ids.ValueKind == JsonValueKind.Array)
            {
                var wanted = ids.EnumerateArray().Select(i => i.GetString()).ToHashSet(StringComparer.Ordinal);
                tasks = [.. template.TestTasks.Where(t => wanted.Contains(t.Id))];
                if (tasks.Count != wanted.Count)
                {
                    return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Unknown task",
                        $"'taskIds' may name only the template's tasks: {string.Join(", ", template.TestTasks.Select(t => t.Id))}.");
                }
            }

            SandboxRunResult run = await sandbox.ExecuteAsync(SandboxSessions.KeyOf(tenant, sandboxId), configuration, template, tasks, cancellationToken);
            return FactoryHttp.Json(run with { DeploymentId = sandboxId });
        }
    }

    private static async Task<IResult> LogsAsync(HttpContext context, SandboxService sandbox, string? sandboxId, string? testId, long after = 0, int max = 200,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(sandboxId) || string.IsNullOrEmpty(testId))
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Missing query parameter", "'sandboxId' and 'testId' are required.");
        }

        if (after < 0 || max is < 1 or > 1000)
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid query parameter", "'after' must be ≥ 0 and 'max' from 1 to 1000.");
        }

        string tenant = FactoryHttp.TenantOf(context.User);
        SandboxLogPage? page = await sandbox.GetLogsAsync(SandboxSessions.KeyOf(tenant, sandboxId), testId, after, max, cancellationToken);
        return page is null ? NotFound() : FactoryHttp.Json(page);
    }

    private static async Task<IResult> StopAsync(HttpRequest request, SandboxService sandbox, SandboxSessions sessions, CancellationToken cancellationToken)
    {
        (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            string tenant = FactoryHttp.TenantOf(request.HttpContext.User);
            if (SandboxId(body.RootElement) is not { } sandboxId || !await sessions.ExistsAsync(tenant, sandboxId, cancellationToken))
            {
                return NotFound();
            }

            await sandbox.StopAsync(SandboxSessions.KeyOf(tenant, sandboxId), cancellationToken);
            await sessions.RemoveAsync(tenant, sandboxId, cancellationToken);
            return TypedResults.NoContent();
        }
    }

    private static async Task<(string SandboxId, AgentTemplate Template, AgentConfiguration Configuration)?> SessionAsync(JsonElement body, string tenant,
        SandboxSessions sessions, CancellationToken cancellationToken) =>
        SandboxId(body) is { } id && await sessions.FindAsync(tenant, id, cancellationToken) is { } session
            ? (id, session.Template, session.Configuration)
            : null;

    private static string? SandboxId(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty("sandboxId", out JsonElement id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()
            : null;

    private static IResult NotFound() =>
        FactoryHttp.Problem(StatusCodes.Status404NotFound, "Sandbox not found", "No sandbox with that id belongs to you (it may have been stopped; start a new one).");
}
