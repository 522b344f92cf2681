using AgentFactory.Core.Validation;
using AgentFactory.Functions.Orchestration.Activities;
using AgentFactory.Functions.Provisioning;

namespace AgentFactory.Functions.Orchestration;

/// <summary>Steps 1–5.</summary>
internal sealed partial class AgentCreationRun
{
    /// <summary>Step 1: the template given at start, or the one the person chooses.</summary>
    private async Task ChooseTemplateAsync()
    {
        string? id;
        int? version;
        bool fromStart = !_startTemplateTaken && _input.TemplateId is not null;
        if (fromStart)
        {
            _startTemplateTaken = true;
            (id, version) = (_input.TemplateId, _input.TemplateVersion);
        }
        else if (_input.Automation)
        {
            // Nothing given: the configuration names its template, and validation pins it.
            _step = WizardStep.Configure;
            return;
        }
        else
        {
            _progress = 0;
            ReceivedInput? chosen = await AwaitInputAsync(_errors.Count > 0 ? "That template cannot be used; choose another one." : "Choose a template.",
                WizardEvents.TemplateChosen);
            if (chosen is null)
            {
                return;
            }

            (id, version) = (chosen.Input.TemplateId, chosen.Input.TemplateVersion);
        }

        if (string.IsNullOrWhiteSpace(id))
        {
            SetErrors([new ValidationErrorInfo("/templateId", ValidationCodes.Required, "Choose a template: send its id, e.g. tmpl-memory.")]);
            return;
        }

        TemplateChoice choice = await CallAsync<TemplateChoice>(AgentCreationActivities.ResolveTemplate, 5,
            ticket => new ResolveTemplateInput(ticket, id, version));
        if (!choice.Found)
        {
            SetErrors([new ValidationErrorInfo(version is null ? "/templateId" : "/templateVersion",
                version is null ? ValidationCodes.TemplateUnknown : ValidationCodes.TemplateVersionUnknown, choice.Error!)]);
            if (_input.Automation)
            {
                throw WizardEndedException.Failed("The template cannot be used: " + choice.Error);
            }

            return;
        }

        if (fromStart)
        {
            // A reset comes back to this template (step 1 stays skipped).
            _startTemplate = (choice.TemplateId, choice.Version);
        }

        _errors.Clear();
        (_templateId, _templateVersion) = (choice.TemplateId, choice.Version);
        _step = WizardStep.Configure;
    }

    /// <summary>Step 2: validates the configuration given at start or submitted now; an invalid one keeps the wizard here.</summary>
    private async Task ConfigureAsync()
    {
        SubmittedConfiguration? submitted = _pending;
        _pending = null;
        if (submitted is null)
        {
            if (_input.Automation)
            {
                throw WizardEndedException.Failed("Automation mode needs the full configuration at start.");
            }

            _progress = 10;
            string ask = _errors.Count > 0 ? $"The configuration has {_errors.Count} problem(s); submit a corrected one."
                : _sandbox is { Passed: false } ? "The sandbox tests failed; fix the configuration and submit it again."
                : "Submit the agent's configuration.";
            ReceivedInput? received = await AwaitInputAsync(ask, WizardEvents.ConfigurationSubmitted);
            if (received is null)
            {
                return;
            }

            submitted = received.Input.Configuration ?? new SubmittedConfiguration(null, null);
        }

        ValidationOutcome outcome = await CallAsync<ValidationOutcome>(AgentCreationActivities.ValidateConfiguration, 15,
            ticket => new ValidateConfigurationInput(ticket, submitted, _templateId, _templateVersion, _reservedName));
        if (!outcome.Valid)
        {
            SetErrors(outcome.Problems);
            if (_input.Automation)
            {
                throw WizardEndedException.Failed($"The configuration is invalid ({outcome.Problems.Count} problem(s)): "
                    + string.Join(" ", outcome.Problems.Take(5).Select(p => $"{(p.Pointer.Length == 0 ? "/" : p.Pointer)}: {p.Message}"))
                    + (outcome.Problems.Count > 5 ? " …" : ""));
            }

            return;
        }

        _errors.Clear();
        _sandbox = null;
        (_configurationJson, _secretsVersion, _configurationRecorded) = (outcome.ConfigurationJson, submitted.SecretsVersion, false);
        (_agentName, _reservedName) = (outcome.AgentName, outcome.AgentName);
        (_templateId, _templateVersion) = (outcome.TemplateId, outcome.TemplateVersion);
        _cost = await CallAsync<CostEstimateSummary>(AgentCreationActivities.EstimateCost, 25, Work);
        _costRecorded = false;
        _step = WizardStep.Sandbox;
    }

    /// <summary>Step 3: runs right after a valid configuration; a failure sends the person back to configure.</summary>
    private async Task SandboxAsync()
    {
        _progress = 30;
        await RecordAsync(DeploymentEventTypes.StepStarted, "Running the template's tests in the sandbox.");
        _sandbox = await CallAsync<SandboxSummary>(AgentCreationActivities.RunSandbox, 40, Work);
        if (_sandbox.Passed)
        {
            _step = WizardStep.Provision;
            return;
        }

        string failure = _sandbox.Failure ?? _sandbox.Tasks.FirstOrDefault(t => !t.Passed && !t.Skipped)?.Failure ?? "a test task failed";
        if (_input.Automation)
        {
            throw WizardEndedException.Failed("The sandbox tests failed: " + failure);
        }

        _step = WizardStep.Configure;
    }

    /// <summary>Step 4: once approved, applies the provisioning steps one activity each, in the planner's order.</summary>
    private async Task ProvisionAsync()
    {
        if (!_input.Automation)
        {
            _progress = 45;
            ReceivedInput? received = await AwaitInputAsync("The sandbox tests passed. Approve provisioning (or run the sandbox again).",
                WizardEvents.ProvisioningApproved, WizardEvents.SandboxRequested);
            if (received is null)
            {
                return;
            }

            if (received.Name == WizardEvents.SandboxRequested)
            {
                _step = WizardStep.Sandbox;
                return;
            }
        }

        _progress = 50;
        await RecordAsync(DeploymentEventTypes.StepStarted, "Provisioning the agent's queue, storage, container and monitoring.");
        int index = 0;
        // ProvisioningStepKind lists the steps in the order they apply (Provisioning/README.md).
        foreach (ProvisioningStepKind kind in Enum.GetValues<ProvisioningStepKind>())
        {
            // Noted before the call: a step that fails halfway may have made part of its resources, and is removed too.
            if (!_applied.Contains(kind))
            {
                _applied.Add(kind);
            }

            StepResult result = await CallAsync<StepResult>(AgentCreationActivities.ProvisionStep, 55 + (5 * index++),
                ticket => new ProvisionStepInput(Work(ticket), kind));
            _resources.RemoveAll(r => r.Step == result.Step);
            _resources.AddRange(result.Resources);
        }

        _step = WizardStep.Review;
    }

    /// <summary>Step 5: the cost estimate is in the status; waits for the confirmation.</summary>
    private async Task ReviewAsync()
    {
        if (!_input.Automation)
        {
            _progress = 75;
            string estimate = _cost is { } cost ? $" ({cost.MonthlyUsd} {cost.Currency} a month, {cost.Mode})" : "";
            ReceivedInput? received = await AwaitInputAsync($"Review the cost estimate{estimate} and confirm the deployment.", WizardEvents.DeploymentConfirmed);
            if (received is null)
            {
                return;
            }
        }

        _step = WizardStep.Deploy;
    }
}
