namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>
/// The task input is not what its op expects. The task ends with <c>ok: false</c> and this message, which
/// names the offending field and never repeats an input value (it could be a misplaced secret).
/// </summary>
internal sealed class TaskInputException : Exception
{
    public TaskInputException(string message)
        : base(message)
    {
    }

    public TaskInputException()
    {
    }

    public TaskInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
