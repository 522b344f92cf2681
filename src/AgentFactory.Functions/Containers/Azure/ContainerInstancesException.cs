namespace AgentFactory.Functions.Containers.Azure;

/// <summary>Azure Resource Manager refused or failed a Container Instances request; <see cref="Code"/> is ARM's error code.</summary>
public class ContainerInstancesException : ContainerRuntimeException
{
    /// <summary>Creates the exception.</summary>
    public ContainerInstancesException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerInstancesException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ContainerInstancesException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an ARM answer.</summary>
    public ContainerInstancesException(int status, string? code, string message) : base(message)
    {
        Status = status;
        Code = code;
    }

    /// <summary>The HTTP status ARM answered with (0 when the failure came from an operation's final state).</summary>
    public int Status { get; }

    /// <summary>ARM's error code, e.g. <c>ContainerGroupQuotaReached</c>.</summary>
    public string? Code { get; }
}

/// <summary>The subscription's Container Instances quota in the region does not allow the request (more cores or groups are needed).</summary>
public sealed class ContainerQuotaExceededException : ContainerInstancesException
{
    /// <summary>Creates the exception.</summary>
    public ContainerQuotaExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ContainerQuotaExceededException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ContainerQuotaExceededException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an ARM answer.</summary>
    public ContainerQuotaExceededException(int status, string? code, string message) : base(status, code, message)
    {
    }
}
