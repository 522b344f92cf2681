namespace AgentFactory.Cli;

/// <summary>What the process exit code tells a script (docs/CLI.md lists the same table).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad arguments, an unreadable or malformed file, no key: nothing was sent.</summary>
    public const int Usage = 1;

    /// <summary>404: no such template, deployment or instance (or nothing matched a purge filter).</summary>
    public const int NotFound = 2;

    /// <summary>401 or 403: no key, a wrong key, or a role that may not call the route.</summary>
    public const int Auth = 3;

    /// <summary><c>--wait</c>: the deployment ended failed, cancelled or expired.</summary>
    public const int Failed = 4;

    /// <summary>5xx, the server could not be reached, the connection broke, or <c>--wait</c> ran out of time.</summary>
    public const int Server = 5;

    /// <summary>The API refused the request: 400 (invalid configuration or parameter), 409, 410, 412, 413, 422.</summary>
    public const int Rejected = 6;

    public static int ForStatus(int status) => status switch
    {
        401 or 403 => Auth,
        404 => NotFound,
        >= 500 => Server,
        _ => Rejected,
    };
}
