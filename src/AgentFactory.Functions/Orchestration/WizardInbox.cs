using System.Text.Json;
using AgentFactory.Durable;

namespace AgentFactory.Functions.Orchestration;

/// <summary>A wizard event the orchestration took from its inbox.</summary>
internal sealed record ReceivedInput(string Name, WizardInput Input);

/// <summary>
/// The orchestration's inbox: one outstanding <see cref="TaskOrchestrationContext.WaitForExternalEvent{T}(string, CancellationToken)"/>
/// per wizard event for the whole life of the instance, re-armed as soon as an event is taken. So every event is
/// consumed when it comes — none lingers in the engine's buffer to act later on a step it was not meant for — and
/// <c>Cancel</c> can be seen between activities as well as while waiting. When several events are there at once they
/// are taken in <see cref="WizardEvents.All"/> order (control first); which are there is decided by the history, so
/// the choice replays the same way.
/// </summary>
internal sealed class WizardInbox
{
    private readonly TaskOrchestrationContext _context;
    private readonly Dictionary<string, Task<object?>> _waits = new(StringComparer.Ordinal);

    public WizardInbox(TaskOrchestrationContext context)
    {
        _context = context;
        foreach (string name in WizardEvents.All)
        {
            Arm(name);
        }
    }

    /// <summary>Takes <paramref name="name"/> if it has arrived (without waiting).</summary>
    public async Task<ReceivedInput?> TryTakeAsync(string name) => _waits[name].IsCompleted ? await TakeAsync(name) : null;

    /// <summary>The next event, or null when <paramref name="deadline"/> (a durable timer) fires first.</summary>
    public async Task<ReceivedInput?> NextAsync(Task deadline)
    {
        Task[] candidates = [.. WizardEvents.All.Select(name => (Task)_waits[name]), deadline];
        await Task.WhenAny(candidates);
        foreach (string name in WizardEvents.All)
        {
            if (_waits[name].IsCompleted)
            {
                return await TakeAsync(name);
            }
        }

        return null;
    }

    private async Task<ReceivedInput> TakeAsync(string name)
    {
        object? payload = await _waits[name];
        Arm(name);
        return new ReceivedInput(name, Read(payload));
    }

    // As object: a JSON element for any payload, null for none (a JsonElement wait would throw on a payload-less event).
    private void Arm(string name) => _waits[name] = _context.WaitForExternalEvent<object?>(name);

    /// <summary>
    /// The payload, or an empty input when it is missing or not one: a client that sends a malformed payload gets its
    /// event ignored or refused by the step, never a failed orchestration.
    /// </summary>
    private static WizardInput Read(object? payload)
    {
        if (payload is not JsonElement { ValueKind: JsonValueKind.Object } element)
        {
            return new WizardInput();
        }

        try
        {
            return element.Deserialize<WizardInput>(DataConverter.DefaultOptions) ?? new WizardInput();
        }
        catch (JsonException)
        {
            return new WizardInput();
        }
    }
}
