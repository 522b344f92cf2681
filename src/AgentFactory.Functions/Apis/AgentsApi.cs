using System.Text.Json;
using AgentFactory.Functions.Orchestration;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Agent creation: <c>POST /agents</c> (202 with the deployment id, a Location header and Durable-Functions-style
/// management links; honours <c>Idempotency-Key</c>), <c>GET /agents/{id}/status</c>, the wizard's moves
/// (<c>POST /agents/{id}/template|configuration|sandbox|approve|confirm|back|reset|cancel</c> → 202, or 409 when the
/// deployment is not at a step that takes the move), and <c>GET /agents/{id}/events?after=N</c> (JSON, or
/// Server-Sent Events when asked for <c>text/event-stream</c>). Another tenant's deployment is simply not found.
/// </summary>
public static partial class AgentsApi
{
    private static readonly Dictionary<string, string> Moves = new(StringComparer.OrdinalIgnoreCase)
    {
        ["template"] = WizardEvents.TemplateChosen,
        ["configuration"] = WizardEvents.ConfigurationSubmitted,
        ["sandbox"] = WizardEvents.SandboxRequested,
        ["approve"] = WizardEvents.ProvisioningApproved,
        ["confirm"] = WizardEvents.DeploymentConfirmed,
        ["back"] = WizardEvents.Back,
        ["reset"] = WizardEvents.Reset,
        ["cancel"] = WizardEvents.Cancel,
    };

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup(FactoryHttp.Prefix + "/agents").RequireAuthorization("Factory").WithTags("Agents");
        group.MapPost("/", CreateAsync).WithName("CreateAgent");
        group.MapGet("/{id}/status", StatusAsync).WithName("AgentStatus");
        group.MapGet("/{id}/events", EventsAsync).WithName("AgentEvents");
        group.MapPost("/{id}/{move}", MoveAsync).WithName("WizardMove");
        group.MapDelete("/{id}", DeleteAsync).WithName("DeleteAgent");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, AgentCreationService creation, CancellationToken cancellationToken)
    {
        (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            JsonElement root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid request", "The body must be a JSON object: {templateId?, templateVersion?, configuration?, automation?}.");
            }

            string? idempotencyKey = request.Headers["Idempotency-Key"].FirstOrDefault();
            if (idempotencyKey is { Length: > 200 })
            {
                return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid header", "'Idempotency-Key' may be at most 200 characters.");
            }

            CreateAgentRequest create;
            try
            {
                create = new CreateAgentRequest(
                    TemplateId: root.TryGetProperty("templateId", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null,
                    Configuration: root.TryGetProperty("configuration", out JsonElement c) && c.ValueKind == JsonValueKind.Object ? c.Clone() : null,
                    Automation: root.TryGetProperty("automation", out JsonElement a) && a.ValueKind == JsonValueKind.True,
                    IdempotencyKey: idempotencyKey,
                    TemplateVersion: root.TryGetProperty("templateVersion", out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null);
            }
            catch (FormatException)
            {
                return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid field", "'templateVersion' must be a whole number.");
            }

            CreateAgentResult result = await creation.CreateAsync(FactoryHttp.TenantOf(request.HttpContext.User), create, cancellationToken);
            if (result.Outcome == CreateOutcome.Invalid || result.DeploymentId is null)
            {
                return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Cannot create the agent", result.Problem ?? "The request is invalid.");
            }

            string location = $"{FactoryHttp.Prefix}/agents/{result.DeploymentId}/status";
            request.HttpContext.Response.Headers.Location = location;
            return TypedResults.Accepted(location, new
            {
                deploymentId = result.DeploymentId,
                existing = result.Outcome == CreateOutcome.Existing,
                statusUri = location,
                eventsUri = $"{FactoryHttp.Prefix}/agents/{result.DeploymentId}/events",
                management = DurableHttpResponses.CreateHttpManagementPayload(request, result.InstanceId!),
            });
        }
    }

    private static async Task<IResult> StatusAsync(HttpContext context, AgentCreationService creation, string id, CancellationToken cancellationToken) =>
        await creation.GetStatusAsync(FactoryHttp.TenantOf(context.User), id, cancellationToken) is { } view
            ? FactoryHttp.Json(view with { ConfigurationJson = null })
            : NotFound();

    private static async Task<IResult> MoveAsync(HttpRequest request, AgentCreationService creation, string id, string move, CancellationToken cancellationToken)
    {
        if (!Moves.TryGetValue(move, out string? command))
        {
            return FactoryHttp.Problem(StatusCodes.Status404NotFound, "Unknown wizard move", $"'{move}' is not a wizard move; use one of {string.Join(", ", Moves.Keys)}.");
        }

        JsonElement? payload = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
            if (body is null)
            {
                return problem!;
            }

            using (body)
            {
                payload = body.RootElement.Clone();
            }
        }

        SubmitResult result = await creation.SubmitAsync(FactoryHttp.TenantOf(request.HttpContext.User), id, command, payload, cancellationToken);
        return result.Outcome switch
        {
            SubmitOutcome.Accepted => TypedResults.Accepted($"{FactoryHttp.Prefix}/agents/{id}/status", new { accepted = command, atStep = result.Step }),
            SubmitOutcome.NotFound => NotFound(),
            SubmitOutcome.Conflict => FactoryHttp.Problem(StatusCodes.Status409Conflict, "Not at a step that takes this move", result.Reason ?? ""),
            _ => FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid move", result.Reason ?? ""),
        };
    }

    private static IResult NotFound() =>
        FactoryHttp.Problem(StatusCodes.Status404NotFound, "Deployment not found", "No deployment with that id belongs to you.");
}
