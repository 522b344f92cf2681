namespace AgentFactory.Functions.Containers;

/// <summary>Where a log line came from.</summary>
public enum ContainerLogStream
{
    /// <summary>The program's standard output.</summary>
    StandardOutput,

    /// <summary>The program's standard error.</summary>
    StandardError,

    /// <summary>The runtime itself: started, exited, stopped, log truncated.</summary>
    Runtime,
}

/// <summary>One line of a container's log.</summary>
/// <param name="Sequence">1, 2, 3… over the container's life, across restarts and both streams; the cursor.</param>
/// <param name="Timestamp">When the runtime read the line.</param>
/// <param name="Stream">Which stream it came from.</param>
/// <param name="Text">The line without its line break.</param>
public sealed record ContainerLogLine(long Sequence, DateTimeOffset Timestamp, ContainerLogStream Stream, string Text);

/// <summary>A page of log lines.</summary>
/// <param name="Lines">The lines, in sequence order.</param>
/// <param name="Cursor">Pass as <c>after</c> to read the lines that follow this page.</param>
/// <param name="HasMore">True when more lines were already there beyond this page.</param>
public sealed record ContainerLogPage(IReadOnlyList<ContainerLogLine> Lines, long Cursor, bool HasMore);
