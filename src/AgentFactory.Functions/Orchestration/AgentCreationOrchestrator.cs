using System.Text.Json;
using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Orchestration;

/// <summary>
/// One agent creation, following the wizard: choose template → configure → sandbox → provision → review &amp; confirm →
/// deploy &amp; monitor. Between steps it waits for a person (with a timeout after which it expires); the person can go
/// back, reset or cancel; cancel, expiry and failure remove everything provisioned so far, in reverse order. In
/// automation mode it runs straight through. The instance id is the deployment id. The state lives in the
/// <see cref="AgentCreationRun"/> that each episode rebuilds by replay; see Orchestration/README.md.
/// </summary>
public sealed class AgentCreationOrchestrator : TaskOrchestrator<AgentCreationInput, AgentCreationResult>
{
    /// <summary>The name the orchestrator is registered under.</summary>
    public const string Name = nameof(AgentCreationOrchestrator);

    /// <inheritdoc/>
    public override Task<AgentCreationResult> RunAsync(TaskOrchestrationContext context, AgentCreationInput input) =>
        new AgentCreationRun(context, input).RunAsync();
}

/// <summary>The state and flow of one creation (orchestrator code: deterministic, reaches the world only through the context).</summary>
internal sealed partial class AgentCreationRun
{
    private readonly TaskOrchestrationContext _context;
    private readonly AgentCreationInput _input;
    private readonly AgentCreationSettings _settings;
    private readonly WizardInbox _inbox;
    private readonly TaskOptions _retry;
    private readonly ILogger _logger;

    // Where the wizard stands.
    private WizardStep _step = WizardStep.ChooseTemplate;
    private string _state = CreationStates.Running;
    private int _progress;
    private IReadOnlyList<string> _waitingFor = [];
    private DateTime? _expiresAt;
    private string? _message;
    private string? _error;
    private long _sequence;
    private bool _compensating;

    // What has been chosen and made.
    private bool _startTemplateTaken;
    private (string Id, int Version)? _startTemplate;
    private SubmittedConfiguration? _pending;
    private string? _templateId;
    private int? _templateVersion;
    private string? _configurationJson;
    private string? _secretsVersion;
    private string? _agentName;
    private string? _reservedName;
    private bool _configurationRecorded = true;
    private bool _costRecorded = true;
    private List<ValidationErrorInfo> _errors = [];
    private SandboxSummary? _sandbox;
    private CostEstimateSummary? _cost;
    private HealthSummary? _health;
    private FirstTaskSummary? _firstTask;
    private readonly List<ProvisioningStepKind> _applied = [];
    private readonly List<ResourceInfo> _resources = [];
    private readonly List<ResourceInfo> _cleanedUp = [];
    private readonly List<string> _notCleanedUp = [];

    public AgentCreationRun(TaskOrchestrationContext context, AgentCreationInput input)
    {
        _context = context;
        _input = input;
        _settings = input.Settings;
        _inbox = new WizardInbox(context);
        _retry = TaskOptions.FromRetryPolicy(new RetryPolicy(_settings.ActivityMaxAttempts, _settings.ActivityRetryInterval, 2));
        _logger = context.CreateReplaySafeLogger<AgentCreationOrchestrator>();
        _pending = input.Configuration;
    }

    private string DeploymentId => _input.DeploymentId;

    public async Task<AgentCreationResult> RunAsync()
    {
        try
        {
            await RecordAsync(DeploymentEventTypes.Created,
                _input.Automation ? "Agent creation started in automation mode." : "Agent creation started.");
            while (!await RunStepAsync())
            {
            }

            return Result();
        }
        catch (WizardEndedException end)
        {
            return await EndAsync(end);
        }
        catch (TaskFailedException failure)
        {
            return await EndAsync(WizardEndedException.Failed(
                $"Step {(int)_step} ({WizardSteps.NameOf(_step)}) failed: {failure.FailureDetails.ErrorMessage}"));
        }
    }

    /// <summary>Runs the current step once; true when the creation is complete.</summary>
    private async Task<bool> RunStepAsync()
    {
        _logger.StepEntered(DeploymentId, (int)_step, WizardSteps.NameOf(_step), _state);
        switch (_step)
        {
            case WizardStep.ChooseTemplate:
                await ChooseTemplateAsync();
                return false;
            case WizardStep.Configure:
                await ConfigureAsync();
                return false;
            case WizardStep.Sandbox:
                await SandboxAsync();
                return false;
            case WizardStep.Provision:
                await ProvisionAsync();
                return false;
            case WizardStep.Review:
                await ReviewAsync();
                return false;
            default:
                return await DeployAsync();
        }
    }

    /// <summary>
    /// Calls an activity under a new ticket (its event-log sequence). A failure is recorded under that same sequence, so
    /// the log has no gap; a Cancel that arrived meanwhile ends the creation once the activity is done (never halfway:
    /// what it made must be known to be removed).
    /// </summary>
    private async Task<T> CallAsync<T>(string activity, int progress, Func<ProgressTicket, object> input)
    {
        _progress = progress;
        ProgressTicket ticket = Ticket(++_sequence);
        Publish();
        T result;
        try
        {
            result = await _context.CallActivityAsync<T>(activity, input(ticket), _retry);
        }
        catch (TaskFailedException failure)
        {
            _logger.ActivityFailed(DeploymentId, activity, failure.FailureDetails.ErrorMessage);
            await RecordProgressAsync([new ProgressEvent(ticket.Sequence, DeploymentEventTypes.ActivityFailed, (int)_step, WizardSteps.NameOf(_step),
                _progress, $"{activity} failed: {failure.FailureDetails.ErrorMessage}")]);
            throw;
        }

        await ThrowIfCancelledAsync();
        return result;
    }

    private async Task ThrowIfCancelledAsync()
    {
        if (!_compensating && await _inbox.TryTakeAsync(WizardEvents.Cancel) is { } cancel)
        {
            throw WizardEndedException.Cancelled(CancelMessage(cancel.Input));
        }
    }

    private string CancelMessage(WizardInput input) =>
        $"Cancelled at step {(int)_step} ({WizardSteps.NameOf(_step)})" + (input.Reason is { Length: > 0 } reason ? $": {reason}" : ".");

    /// <summary>
    /// Records one event of the orchestration's own and brings the deployment row up to date. The message becomes the
    /// status's message too, unless it is only a <paramref name="note"/> (the status keeps saying what is expected).
    /// </summary>
    private Task RecordAsync(string type, string message, object? data = null, bool finished = false, bool note = false)
    {
        if (!note)
        {
            _message = message;
        }

        return RecordProgressAsync([new ProgressEvent(++_sequence, type, (int)_step, WizardSteps.NameOf(_step), _progress, message,
            data is null ? null : JsonSerializer.Serialize(data, DataConverter.DefaultOptions))], finished);
    }

    /// <summary>
    /// Writes the events and the row, then publishes the status: a client that sees a state in the status finds the
    /// row and the event log already saying so.
    /// </summary>
    private async Task RecordProgressAsync(IReadOnlyList<ProgressEvent> events, bool finished = false)
    {
        DeploymentUpdate update = Update(finished);
        await _context.CallActivityAsync<bool>(AgentCreationActivities.RecordProgress,
            new ProgressRecord(Ticket(events[^1].Sequence), _context.CurrentUtcDateTime, events, update), _retry);
        _configurationRecorded = true;
        _costRecorded = true;
        Publish();
    }

    private ProgressTicket Ticket(long sequence) =>
        new(_input.TenantId, DeploymentId, sequence, (int)_step, WizardSteps.NameOf(_step), _progress);

    private AgentWork Work(ProgressTicket ticket) => new(ticket, _configurationJson!, _secretsVersion, _templateId!, _templateVersion!.Value);

    private void Publish() => _context.SetCustomStatus(Status());

    private AgentCreationStatus Status() => new()
    {
        Step = StepInfo.Of(_step),
        State = _state,
        Progress = _progress,
        WaitingFor = _waitingFor,
        ExpiresAt = _expiresAt,
        Message = _message,
        Automation = _input.Automation,
        TemplateId = _templateId,
        TemplateVersion = _templateVersion,
        AgentName = _agentName,
        ValidationErrors = [.. _errors.Take(StatusLimits.MaxValidationErrors)],
        ValidationErrorCount = _errors.Count,
        Sandbox = _sandbox,
        Resources = [.. _resources],
        CostEstimate = _cost,
        Health = _health,
        FirstTask = _firstTask,
        CleanedUp = [.. _cleanedUp],
        NotCleanedUp = [.. _notCleanedUp],
        Error = _error,
        LastEventSequence = _sequence,
    };

    private DeploymentUpdate Update(bool finished) => new()
    {
        Status = DeploymentStatusOf(),
        Progress = _progress,
        Step = WizardSteps.NameOf(_step),
        AgentName = _agentName,
        TemplateId = _templateId,
        TemplateVersion = _templateVersion,
        ConfigurationJson = _configurationRecorded ? null : _configurationJson,
        MonthlyCostUsd = _costRecorded ? null : _cost?.MonthlyUsdExact,
        CostEstimateJson = _costRecorded || _cost is null ? null : JsonSerializer.Serialize(_cost, DataConverter.DefaultOptions),
        Error = _error,
        Finished = finished,
    };

    private DeploymentStatus DeploymentStatusOf() => _state switch
    {
        CreationStates.Completed => DeploymentStatus.Succeeded,
        CreationStates.Failed => DeploymentStatus.Failed,
        CreationStates.Cancelled => DeploymentStatus.Cancelled,
        CreationStates.Expired => DeploymentStatus.Expired,
        _ => _step switch
        {
            WizardStep.Configure when _state == CreationStates.Running => DeploymentStatus.Validating,
            WizardStep.ChooseTemplate or WizardStep.Configure => DeploymentStatus.Configuring,
            WizardStep.Sandbox => DeploymentStatus.Testing,
            WizardStep.Provision => DeploymentStatus.Provisioning,
            WizardStep.Review => DeploymentStatus.AwaitingConfirmation,
            _ => DeploymentStatus.Deploying,
        },
    };

    private void SetErrors(IEnumerable<ValidationErrorInfo> errors) => _errors = [.. errors];

    private AgentCreationResult Result() => new()
    {
        State = _state,
        DeploymentId = DeploymentId,
        AgentName = _agentName,
        Message = _message,
        Error = _error,
        ValidationErrors = [.. _errors],
        Resources = [.. _resources],
        CleanedUp = [.. _cleanedUp],
        NotCleanedUp = [.. _notCleanedUp],
    };
}
