using AgentFactory.Durable.History;

namespace AgentFactory.Durable;

/// <summary>An activity or sub-orchestration that an orchestrator awaited failed.</summary>
public class TaskFailedException : Exception
{
    public TaskFailedException() : this("A task failed.", new FailureDetails("Unknown", "A task failed."))
    {
    }

    public TaskFailedException(string message) : this(message, new FailureDetails("Unknown", message))
    {
    }

    public TaskFailedException(string message, Exception innerException) : base(message, innerException)
    {
        FailureDetails = FailureDetails.FromException(innerException);
    }

    /// <summary>Creates the exception for the task <paramref name="taskName"/> (id <paramref name="taskId"/>).</summary>
    public TaskFailedException(string taskName, int taskId, FailureDetails failureDetails)
        : this($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}", failureDetails)
    {
        TaskName = taskName;
        TaskId = taskId;
    }

    private TaskFailedException(string message, FailureDetails failureDetails) : base(message)
    {
        FailureDetails = failureDetails;
    }

    /// <summary>Name of the failed activity or sub-orchestration.</summary>
    public string TaskName { get; } = "";

    /// <summary>Task id within the orchestration's history.</summary>
    public int TaskId { get; }

    /// <summary>The failure as the task reported it (type, message, stack, inner failure).</summary>
    public FailureDetails FailureDetails { get; }
}

/// <summary>Replaying the history produced different actions than the history recorded.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException()
    {
    }

    public NonDeterministicOrchestrationException(string message) : base(message)
    {
    }

    public NonDeterministicOrchestrationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>An orchestrator awaited something that is not durable (Task.Delay, Task.Run, I/O) or left the orchestrator thread.</summary>
public sealed class NonDurableAwaitException : InvalidOperationException
{
    public NonDurableAwaitException()
    {
    }

    public NonDurableAwaitException(string message) : base(message)
    {
    }

    public NonDurableAwaitException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>A start was refused because an instance with that id is still running.</summary>
public sealed class OrchestrationAlreadyExistsException : InvalidOperationException
{
    public OrchestrationAlreadyExistsException()
    {
    }

    public OrchestrationAlreadyExistsException(string message) : base(message)
    {
    }

    public OrchestrationAlreadyExistsException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>No instance with the given id exists.</summary>
public sealed class OrchestrationNotFoundException : InvalidOperationException
{
    public OrchestrationNotFoundException()
    {
    }

    public OrchestrationNotFoundException(string message) : base(message)
    {
    }

    public OrchestrationNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>The request does not apply to an instance in its current state (e.g. an event for a completed instance).</summary>
public sealed class OrchestrationStateException : InvalidOperationException
{
    public OrchestrationStateException()
    {
    }

    public OrchestrationStateException(string message) : base(message)
    {
    }

    public OrchestrationStateException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>A payload (input, output, event data or custom status) is larger than the configured limit.</summary>
public sealed class PayloadTooLargeException : ArgumentException
{
    public PayloadTooLargeException()
    {
    }

    public PayloadTooLargeException(string message) : base(message)
    {
    }

    public PayloadTooLargeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
