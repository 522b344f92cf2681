using AgentFactory.Durable;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Provisioning;

namespace AgentFactory.Functions.Orchestration;

/// <summary>Waiting for people, going back, resetting, and ending early with compensation.</summary>
internal sealed partial class AgentCreationRun
{
    /// <summary>
    /// Waits (at most <see cref="AgentCreationSettings.HumanStepTimeout"/>) for one of <paramref name="accepted"/>, or Back,
    /// Reset or Cancel. Returns the accepted input; null after Back or Reset (the step is then already changed). Expiry and
    /// Cancel end the creation. Events for another step, or that this step does not take, are logged and ignored.
    /// </summary>
    private async Task<ReceivedInput?> AwaitInputAsync(string message, params string[] accepted)
    {
        bool canGoBack = _step != WizardStep.ChooseTemplate;
        string[] waitingFor = [.. accepted, .. canGoBack ? [WizardEvents.Back] : Array.Empty<string>(), WizardEvents.Reset, WizardEvents.Cancel];
        DateTime deadline = _context.CurrentUtcDateTime.Add(_settings.HumanStepTimeout);
        (_state, _waitingFor, _expiresAt) = (CreationStates.WaitingForInput, waitingFor, deadline);
        await RecordAsync(DeploymentEventTypes.WaitingForInput, message, new { waitingFor, expiresAt = deadline });

        ReceivedInput received;
        using (var expiry = new CancellationTokenSource())
        {
            Task timer = _context.CreateTimer(deadline, expiry.Token);
            try
            {
                received = await ReceiveAsync(timer, waitingFor);
            }
            finally
            {
                // Synchronously: the timer's cancellation must run on the orchestrator's thread.
#pragma warning disable CA1849
                expiry.Cancel();
#pragma warning restore CA1849
            }
        }

        (_state, _waitingFor, _expiresAt) = (CreationStates.Running, [], null);
        if (received.Name == WizardEvents.Reset)
        {
            await ResetAsync(received.Input);
            return null;
        }

        if (received.Name == WizardEvents.Back)
        {
            await GoBackAsync(received.Input);
            return null;
        }

        _logger.InputAccepted(DeploymentId, received.Name, (int)_step);
        await RecordAsync(DeploymentEventTypes.InputReceived, $"{received.Name} received.");
        return received;
    }

    private async Task<ReceivedInput> ReceiveAsync(Task timer, string[] waitingFor)
    {
        while (true)
        {
            ReceivedInput? received = await _inbox.NextAsync(timer);
            if (received is null)
            {
                throw WizardEndedException.Expired(
                    $"Nothing arrived within {_settings.HumanStepTimeout} at step {(int)_step} ({WizardSteps.NameOf(_step)}): the wizard expired.");
            }

            if (received.Name == WizardEvents.Cancel)
            {
                throw WizardEndedException.Cancelled(CancelMessage(received.Input));
            }

            if (received.Input.AtStep is { } atStep && atStep != (int)_step)
            {
                await RecordAsync(DeploymentEventTypes.InputIgnored,
                    $"{received.Name} was sent for step {atStep}, but the deployment is at step {(int)_step} ({WizardSteps.NameOf(_step)}); it was ignored.",
                    note: true);
                continue;
            }

            if (waitingFor.Contains(received.Name))
            {
                return received;
            }

            await RecordAsync(DeploymentEventTypes.InputIgnored,
                $"Step {(int)_step} ({WizardSteps.NameOf(_step)}) does not take {received.Name}; it waits for {string.Join(", ", waitingFor)}.", note: true);
        }
    }

    /// <summary>Back to the previous step that takes input; going back from review removes what provisioning made.</summary>
    private async Task GoBackAsync(WizardInput input)
    {
        WizardStep from = _step;
        WizardStep to = _step switch
        {
            WizardStep.Configure => WizardStep.ChooseTemplate,
            WizardStep.Provision => WizardStep.Configure,
            WizardStep.Review => WizardStep.Provision,
            _ => _step,
        };
        bool removed = _applied.Count > 0 && to <= WizardStep.Provision;
        if (removed)
        {
            await RemoveProvisionedAsync();
        }

        _errors.Clear();
        _step = to;
        await RecordAsync(DeploymentEventTypes.WentBack, $"Went back from step {(int)from} ({WizardSteps.NameOf(from)}) to step {(int)to} ({WizardSteps.NameOf(to)})"
            + (removed ? "; what provisioning made was removed." : ".") + Because(input));
    }

    /// <summary>Starts over: everything made is removed, the name and secrets released, and the wizard returns to its first step.</summary>
    private async Task ResetAsync(WizardInput input)
    {
        await RemoveProvisionedAsync();
        await ReleaseAsync();
        (_configurationJson, _secretsVersion, _agentName, _pending) = (null, null, null, null);
        (_sandbox, _cost, _health, _firstTask) = (null, null, null, null);
        _errors.Clear();
        _resources.Clear();
        // A template given at start keeps step 1 skipped.
        (_templateId, _templateVersion) = _startTemplate is { } start ? (start.Id, (int?)start.Version) : (null, null);
        _step = _startTemplate is null ? WizardStep.ChooseTemplate : WizardStep.Configure;
        await RecordAsync(DeploymentEventTypes.Reset, $"Started over at step {(int)_step} ({WizardSteps.NameOf(_step)})." + Because(input));
    }

    /// <summary>Cancel, expiry or failure: removes everything provisioned (reverse order), releases the rest, and says what was cleaned up.</summary>
    private async Task<AgentCreationResult> EndAsync(WizardEndedException end)
    {
        _compensating = true;
        (_state, _waitingFor, _expiresAt, _error) = (CreationStates.Running, [], null, end.Error);
        await RecordAsync(end.EventType, end.Message, _errors.Count > 0 ? new { validationErrors = _errors } : null);
        await RemoveProvisionedAsync();
        await ReleaseAsync();

        _state = end.State;
        string cleaned = _cleanedUp.Count == 0 ? "Nothing had to be cleaned up." : $"Cleaned up: {string.Join(", ", _cleanedUp.Select(r => $"{r.Kind} {r.Name}"))}.";
        string left = _notCleanedUp.Count == 0 ? "" : $" Could not clean up: {string.Join("; ", _notCleanedUp)}.";
        await RecordAsync(DeploymentEventTypes.Compensated, $"{end.Message} {cleaned}{left}", new { cleanedUp = _cleanedUp, notCleanedUp = _notCleanedUp },
            finished: true);
        _logger.CreationEnded(DeploymentId, _state, _message!);
        return Result();
    }

    /// <summary>Removes the applied provisioning steps in reverse order; a step that cannot be removed is reported and the rest go on.</summary>
    private async Task RemoveProvisionedAsync()
    {
        bool wasCompensating = _compensating;
        _compensating = true;
        foreach (ProvisioningStepKind kind in Enumerable.Reverse(_applied).ToList())
        {
            try
            {
                StepResult removed = await CallAsync<StepResult>(AgentCreationActivities.DeprovisionStep, _progress,
                    ticket => new ProvisionStepInput(Work(ticket), kind));
                _cleanedUp.AddRange(removed.Resources.Where(r => r.Change == "deleted"));
                _resources.RemoveAll(r => r.Step == removed.Step);
                _applied.Remove(kind);
            }
            catch (TaskFailedException failure)
            {
                // Still counted as applied: a later cancel (after going back or resetting) tries to remove it again.
                _notCleanedUp.Add($"{AgentWorkLoader.Camel(kind.ToString())}: {failure.FailureDetails.ErrorMessage}");
            }
        }

        _compensating = wasCompensating;
    }

    /// <summary>Releases the sandbox, the reserved name and the stored secrets.</summary>
    private async Task ReleaseAsync()
    {
        bool wasCompensating = _compensating;
        _compensating = true;
        try
        {
            ReleaseResult released = await CallAsync<ReleaseResult>(AgentCreationActivities.ReleaseDeployment, _progress,
                ticket => new ReleaseDeploymentInput(ticket, _reservedName, DeleteSecrets: true));
            _cleanedUp.AddRange(released.Released);
            _reservedName = null;
        }
        catch (TaskFailedException failure)
        {
            _notCleanedUp.Add($"release: {failure.FailureDetails.ErrorMessage}");
        }

        _compensating = wasCompensating;
    }

    private static string Because(WizardInput input) => input.Reason is { Length: > 0 } reason ? $" Reason: {reason}" : "";
}
