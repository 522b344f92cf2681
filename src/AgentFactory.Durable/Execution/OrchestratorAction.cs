namespace AgentFactory.Durable.Execution;

/// <summary>Something an orchestrator asked for in an episode; it becomes a history event and a message.</summary>
internal abstract record OrchestratorAction(int TaskId)
{
    /// <summary>How the action reads in a non-determinism message.</summary>
    public abstract string Describe();
}

internal sealed record ScheduleTaskAction(int TaskId, string Name, string? Input) : OrchestratorAction(TaskId)
{
    public override string Describe() => $"CallActivity '{Name}' (task {TaskId})";
}

internal sealed record CreateTimerAction(int TaskId, DateTime FireAt) : OrchestratorAction(TaskId)
{
    public override string Describe() => $"CreateTimer (task {TaskId})";
}

internal sealed record CreateSubOrchestrationAction(int TaskId, string Name, string InstanceId, string? Input) : OrchestratorAction(TaskId)
{
    public override string Describe() => $"CallSubOrchestrator '{Name}' (task {TaskId})";
}

internal sealed record SendEventAction(int TaskId, string InstanceId, string Name, string? Input) : OrchestratorAction(TaskId)
{
    public override string Describe() => $"SendEvent '{Name}' to '{InstanceId}' (task {TaskId})";
}
