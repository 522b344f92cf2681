namespace AgentFactory.Functions.Containers;

/// <summary>A container runtime could not do what was asked.</summary>
public class ContainerRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContainerRuntimeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerRuntimeException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ContainerRuntimeException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>No container has the name.</summary>
public sealed class ContainerNotFoundException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ContainerNotFoundException()
    {
    }

    /// <summary>Creates the exception for a container name.</summary>
    public ContainerNotFoundException(string name) : base($"No container is named '{name}'.")
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ContainerNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>A container with the name exists with a different spec.</summary>
public sealed class ContainerConflictException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ContainerConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ContainerConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}

/// <summary>
/// This machine cannot isolate a container, so the runtime refuses to run one (it never runs a program
/// unisolated). <see cref="Problems"/> says what is missing and how to fix each.
/// </summary>
public sealed class IsolationUnavailableException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public IsolationUnavailableException() => Problems = [];

    /// <summary>Creates the exception with a message.</summary>
    public IsolationUnavailableException(string message) : base(message) => Problems = [message];

    /// <summary>Creates the exception with a message and its cause.</summary>
    public IsolationUnavailableException(string message, Exception innerException) : base(message, innerException) => Problems = [message];

    /// <summary>Creates the exception for the problems found.</summary>
    public IsolationUnavailableException(IReadOnlyList<string> problems)
        : base("Containers cannot be isolated on this machine, so none will run:" + string.Concat(problems.Select(p => System.Environment.NewLine + " - " + p))) =>
        Problems = problems;

    /// <summary>Each missing piece, with how to fix it.</summary>
    public IReadOnlyList<string> Problems { get; }
}
