namespace AgentFactory.Durable.History;

/// <summary>What went wrong: the exception's type, message and stack, and its inner failure.</summary>
public sealed record FailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, FailureDetails? InnerFailure = null)
{
    /// <summary>Captures an exception (and its inner exceptions) as plain data that survives serialization.</summary>
    public static FailureDetails FromException(Exception exception)
    {
        // A failure that already crossed a task boundary keeps its original type and message.
        if (exception is TaskFailedException failed)
        {
            return new FailureDetails(failed.GetType().FullName!, failed.Message, failed.StackTrace, failed.FailureDetails);
        }

        return new FailureDetails(
            exception.GetType().FullName ?? exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is null ? null : FromException(exception.InnerException));
    }

    /// <summary>True when this failure, or one it wraps, was caused by an exception of type <typeparamref name="T"/>.</summary>
    public bool IsCausedBy<T>() where T : Exception
    {
        for (FailureDetails? f = this; f is not null; f = f.InnerFailure)
        {
            if (f.ErrorType == typeof(T).FullName)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}
