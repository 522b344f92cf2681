using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration.Secrets;
using AgentFactory.Functions.Storage;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Orchestration;

/// <summary>
/// What the HTTP routes call to create agents and drive their wizards: starts a creation, reads its status, sends it
/// the person's commands, reads its event log. Every call is scoped to a tenant: another tenant's deployment id is not
/// found. Configurations pass through here on their way in, and this is where their secret values leave them
/// (<see cref="ConfigurationSecrets"/>): the orchestration, its history, status and events only ever see <c>***</c>.
/// </summary>
public class AgentCreationService(
    DurableTaskClient client,
    DeploymentTable deployments,
    DeploymentEventTable events,
    ConfigurationSecrets secrets,
    ISecretStore secretStore,
    IOptions<AgentCreationOptions> options,
    TimeProvider time,
    ILogger<AgentCreationService> logger)
{
    // The submission version of a configuration given at start: fixed, so two racing retries of one create store alike.
    private const string CreateVersion = "create";
    private const int MaxIdempotencyKeyLength = 256;

    /// <summary>
    /// Creates the deployment record, stores the configuration's secrets and schedules the orchestration (instance id =
    /// deployment id). With an idempotency key, a repeated request finds the deployment the first one made.
    /// </summary>
    public virtual async Task<CreateAgentResult> CreateAsync(string tenantId, CreateAgentRequest request, CancellationToken cancellationToken = default)
    {
        if (!IsKey(tenantId))
        {
            throw new ArgumentException($"'{tenantId}' is not a valid tenant id.", nameof(tenantId));
        }

        if (request.Automation && request.Configuration is null)
        {
            return new CreateAgentResult(CreateOutcome.Invalid, null, "Automation mode needs the full configuration at start.");
        }

        if (request.IdempotencyKey is { } key && (key.Length is 0 or > MaxIdempotencyKeyLength))
        {
            return new CreateAgentResult(CreateOutcome.Invalid, null, $"The idempotency key must be 1 to {MaxIdempotencyKeyLength} characters.");
        }

        string deploymentId = request.IdempotencyKey is { } k ? IdFromKey(tenantId, k) : "dep-" + Guid.NewGuid().ToString("N");
        DeploymentRecord? existing = await deployments.GetAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false);
        if (existing is not null && (existing.IsFinished || await client.GetInstanceAsync(deploymentId, cancellationToken: cancellationToken).ConfigureAwait(false) is not null))
        {
            return new CreateAgentResult(CreateOutcome.Existing, deploymentId);
        }

        SubmittedConfiguration? submitted = request.Configuration is { } configuration
            ? await secrets.StoreAsync(deploymentId, configuration, CreateVersion, cancellationToken).ConfigureAwait(false)
            : null;
        string? templateId = request.TemplateId ?? StringProperty(request.Configuration, "templateId");
        int? templateVersion = request.TemplateVersion ?? (request.TemplateId is null ? IntProperty(request.Configuration, "templateVersion") : null);
        bool created = existing is null;
        if (existing is null)
        {
            DateTimeOffset now = time.GetUtcNow();
            try
            {
                await deployments.CreateAsync(new DeploymentRecord
                {
                    TenantId = tenantId,
                    DeploymentId = deploymentId,
                    AgentName = StringProperty(request.Configuration, "name") ?? "",
                    TemplateId = templateId ?? "",
                    TemplateVersion = templateVersion ?? 0,
                    Status = DeploymentStatus.Configuring,
                    Step = WizardSteps.NameOf(WizardStep.ChooseTemplate),
                    ConfigurationJson = submitted?.Json ?? "{}",
                    InstanceId = deploymentId,
                    CreatedAt = now,
                    UpdatedAt = now,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // A concurrent request with the same key got there first; its orchestration is the one.
                created = false;
            }
        }

        var input = new AgentCreationInput
        {
            TenantId = tenantId,
            DeploymentId = deploymentId,
            Automation = request.Automation,
            TemplateId = templateId,
            TemplateVersion = templateVersion,
            Configuration = submitted,
            Settings = options.Value.ToSettings(),
        };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(AgentCreationOrchestrator.Name, input, new StartOrchestrationOptions
            {
                InstanceId = deploymentId,
                Tags = new Dictionary<string, string> { ["tenant"] = tenantId },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            created = false;
        }

        if (created)
        {
            logger.DeploymentCreated(deploymentId, tenantId, request.Automation);
        }

        return new CreateAgentResult(created ? CreateOutcome.Created : CreateOutcome.Existing, deploymentId);
    }

    /// <summary>The deployment with its live status, or null when the tenant has no such deployment.</summary>
    public virtual async Task<DeploymentView?> GetStatusAsync(string tenantId, string deploymentId, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return null;
        }

        OrchestrationMetadata? instance = await client.GetInstanceAsync(record.InstanceId ?? deploymentId, getInputsAndOutputs: true, cancellationToken)
            .ConfigureAwait(false);
        return new DeploymentView
        {
            DeploymentId = record.DeploymentId,
            InstanceId = record.InstanceId ?? record.DeploymentId,
            Status = record.Status,
            AgentName = record.AgentName.Length > 0 ? record.AgentName : null,
            TemplateId = record.TemplateId.Length > 0 ? record.TemplateId : null,
            TemplateVersion = record.TemplateVersion,
            Progress = record.Progress,
            Step = record.Step,
            MonthlyCostUsd = record.MonthlyCostUsd,
            Error = record.Error,
            CreatedAt = record.CreatedAt,
            UpdatedAt = record.UpdatedAt,
            CompletedAt = record.CompletedAt,
            RuntimeStatus = instance?.RuntimeStatus,
            Creation = instance?.ReadCustomStatusAs<AgentCreationStatus>(),
            Cleanup = record.CleanupJson is { } cleanup ? JsonSerializer.Deserialize<Cleanup.CleanupRecord>(cleanup, DataConverter.DefaultOptions) : null,
            ConfigurationJson = record.ConfigurationJson,
        };
    }

    /// <summary>
    /// Sends a wizard command (an event name of <see cref="WizardEvents"/>) with its payload: for TemplateChosen
    /// <c>{"templateId", "templateVersion"?}</c>, for ConfigurationSubmitted the configuration itself, for the others an
    /// optional <c>{"reason"}</c>. Refused with <see cref="SubmitOutcome.Conflict"/> when the deployment's current step does
    /// not take it (Cancel is taken at any time until the deployment has finished).
    /// </summary>
    public virtual async Task<SubmitResult> SubmitAsync(string tenantId, string deploymentId, string command, JsonElement? payload = null,
        CancellationToken cancellationToken = default)
    {
        if (await FindAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false) is not { } record)
        {
            return SubmitResult.NotFound;
        }

        if (WizardEvents.Normalize(command) is not { } name)
        {
            return new SubmitResult(SubmitOutcome.Invalid, $"'{command}' is not a wizard command; use one of {string.Join(", ", WizardEvents.All)}.");
        }

        string instanceId = record.InstanceId ?? record.DeploymentId;
        OrchestrationMetadata? instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        AgentCreationStatus? status = instance?.ReadCustomStatusAs<AgentCreationStatus>();
        if (instance is null || instance.IsCompleted || record.IsFinished || CreationStates.IsFinal(status?.State))
        {
            string how = status?.State ?? instance?.RuntimeStatus.ToString() ?? record.Status.ToString();
            return new SubmitResult(SubmitOutcome.Conflict, $"The deployment has finished ({how}) and takes no more input.", name);
        }

        // Cancel is taken whatever the step; every other command only by a step that waits for it.
        if (name != WizardEvents.Cancel)
        {
            if (status is null)
            {
                return new SubmitResult(SubmitOutcome.Conflict, "The deployment is starting; try again in a moment.", name);
            }

            if (status.State != CreationStates.WaitingForInput || !status.WaitingFor.Contains(name))
            {
                string detail = status.State == CreationStates.WaitingForInput ? $"it waits for {string.Join(", ", status.WaitingFor)}"
                    : "it is working; wait until it asks for input";
                return new SubmitResult(SubmitOutcome.Conflict,
                    $"The deployment is at step {status.Step.Number} ({status.Step.Name}), which does not accept {name}: {detail}.", name, status.Step.Number);
            }
        }

        int? step = status?.Step.Number;
        (WizardInput? input, string? problem) = await PayloadAsync(record.DeploymentId, name, payload, cancellationToken).ConfigureAwait(false);
        if (input is null)
        {
            return new SubmitResult(SubmitOutcome.Invalid, problem, name, step);
        }

        try
        {
            // Cancel holds whatever the step; every other command is for the step the person saw.
            await client.RaiseEventAsync(instanceId, name, input with { AtStep = name == WizardEvents.Cancel ? null : step }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OrchestrationStateException)
        {
            if (input.Configuration is not null)
            {
                // It ended (cancelled or expired: a configuration is only taken at step 2) after its secrets were
                // deleted and before these were stored: they belong to nothing now.
                await secretStore.DeleteAllAsync(record.DeploymentId, cancellationToken).ConfigureAwait(false);
            }

            return new SubmitResult(SubmitOutcome.Conflict, "The deployment has finished and takes no more input.", name);
        }

        logger.InputAccepted(record.DeploymentId, name, step ?? 0);
        return new SubmitResult(SubmitOutcome.Accepted, null, name, step);
    }

    /// <summary>The deployment's event log after sequence <paramref name="after"/> (the <c>?after=N</c> cursor); null when not found.</summary>
    public virtual async Task<IReadOnlyList<DeploymentEvent>?> ListEventsAsync(string tenantId, string deploymentId, long after = 0, int max = 100,
        CancellationToken cancellationToken = default) =>
        await FindAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false) is null
            ? null
            : await events.ListAsync(deploymentId, Math.Max(0, after), Math.Clamp(max, 1, 1000), cancellationToken).ConfigureAwait(false);

    private async Task<(WizardInput? Input, string? Problem)> PayloadAsync(string deploymentId, string name, JsonElement? payload, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case WizardEvents.TemplateChosen:
                string? templateId = StringProperty(payload, "templateId");
                return templateId is { Length: > 0 }
                    ? (new WizardInput { TemplateId = templateId, TemplateVersion = IntProperty(payload, "templateVersion") }, null)
                    : (null, """TemplateChosen needs {"templateId": "tmpl-…"} (and optionally "templateVersion").""");
            case WizardEvents.ConfigurationSubmitted:
                if (payload is not { ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } configuration)
                {
                    return (null, "ConfigurationSubmitted needs the configuration as its payload.");
                }

                // Each submission stores its secrets under a version of its own, so an activity never mixes two submissions' values.
                SubmittedConfiguration submitted = await secrets.StoreAsync(deploymentId, configuration, Guid.NewGuid().ToString("N"), cancellationToken)
                    .ConfigureAwait(false);
                return (new WizardInput { Configuration = submitted }, null);
            default:
                return (new WizardInput { Reason = StringProperty(payload, "reason") is { } reason ? Cut(reason, 500) : null }, null);
        }
    }

    private async Task<DeploymentRecord?> FindAsync(string tenantId, string deploymentId, CancellationToken cancellationToken) =>
        IsKey(tenantId) && IsKey(deploymentId) ? await deployments.GetAsync(tenantId, deploymentId, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>
    /// The deployment id of an idempotency key: a hash over (tenant, key), so the same key always names the same
    /// deployment and two tenants' keys never meet (length-prefixed, as in <c>AgentResourceNames</c>).
    /// </summary>
    private static string IdFromKey(string tenantId, string key) =>
        "dep-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{tenantId.Length}:{tenantId}|{key.Length}:{key}")))[..32];

    internal static bool IsKey(string? value) =>
        value is { Length: > 0 and <= 256 } && !value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    private static string? StringProperty(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? IntProperty(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out JsonElement value)
            && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)
            ? number
            : null;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}
