using AgentFactory.Functions.Orchestration.Activities;

namespace AgentFactory.Functions.Orchestration;

/// <summary>Step 6: start the agent, wait until it is healthy, run its first task.</summary>
internal sealed partial class AgentCreationRun
{
    /// <summary>Deploys and monitors; true when the creation is complete.</summary>
    private async Task<bool> DeployAsync()
    {
        _progress = 80;
        await RecordAsync(DeploymentEventTypes.StepStarted, "Starting the agent.");
        AgentStartResult started = await CallAsync<AgentStartResult>(AgentCreationActivities.StartAgent, 82, Work);

        // Health checks on a durable timer, bounded: a crash of the factory meanwhile resumes the count where it was.
        DateTime healthDeadline = _context.CurrentUtcDateTime.Add(_settings.HealthCheckTimeout);
        for (int attempt = 1; ; attempt++)
        {
            _health = await CallAsync<HealthSummary>(AgentCreationActivities.CheckHealth, 85,
                ticket => new HealthCheckInput(ticket, _agentName!, started.Container, started.StartedAt, attempt));
            if (_health.Healthy)
            {
                break;
            }

            if (_context.CurrentUtcDateTime >= healthDeadline)
            {
                throw WizardEndedException.Failed(
                    $"The agent did not become healthy within {_settings.HealthCheckTimeout.TotalSeconds:0} s: {_health.Reason}.");
            }

            await _context.CreateTimer(_settings.HealthCheckInterval, CancellationToken.None);
            await ThrowIfCancelledAsync();
        }

        FirstTaskSummary sent = await CallAsync<FirstTaskSummary>(AgentCreationActivities.SendFirstTask, 90, Work);
        _firstTask = sent;
        DateTime taskDeadline = _context.CurrentUtcDateTime.Add(_settings.FirstTaskTimeout);
        for (int attempt = 1; sent.Skipped is null; attempt++)
        {
            await _context.CreateTimer(_settings.FirstTaskPollInterval, CancellationToken.None);
            await ThrowIfCancelledAsync();
            _firstTask = await CallAsync<FirstTaskSummary>(AgentCreationActivities.CheckFirstTask, 95,
                ticket => new FirstTaskCheckInput(Work(ticket), _agentName!, sent.TaskId, sent.TemplateTaskId, attempt));
            if (_firstTask.Done)
            {
                break;
            }

            if (_context.CurrentUtcDateTime >= taskDeadline)
            {
                throw WizardEndedException.Failed(
                    $"The agent did not finish its first task ({sent.TemplateTaskId}) within {_settings.FirstTaskTimeout.TotalSeconds:0} s.");
            }
        }

        if (!_firstTask.Succeeded)
        {
            throw WizardEndedException.Failed(_firstTask.Failure ?? "The first task failed.");
        }

        await CallAsync<bool>(AgentCreationActivities.ActivateAgent, 98, ticket => new ActivateAgentInput(ticket, _agentName!));
        _state = CreationStates.Completed;
        _progress = 100;
        await RecordAsync(DeploymentEventTypes.Completed, sent.Skipped is null
                ? $"Agent '{_agentName}' is running: it is healthy and its first task succeeded."
                : $"Agent '{_agentName}' is running: it is healthy (no first task: {sent.Skipped}).",
            new { resources = _resources }, finished: true);
        _logger.CreationEnded(DeploymentId, _state, _message!);
        return true;
    }
}
