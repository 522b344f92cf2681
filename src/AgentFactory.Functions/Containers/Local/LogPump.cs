using System.Runtime.Versioning;
using System.Text;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>Copies one output stream of a container into its log, line by line.</summary>
[SupportedOSPlatform("linux")]
internal static class LogPump
{
    /// <summary>Reads until the stream closes (every process of the container has exited or closed it).</summary>
    public static async Task RunAsync(StreamReader reader, ContainerLogStream stream, ContainerLogFile log, int maxLineChars)
    {
        char[] buffer = new char[4096];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            ReadOnlySpan<char> chunk = buffer.AsSpan(0, read);
            while (!chunk.IsEmpty)
            {
                int newline = chunk.IndexOf('\n');
                int take = Math.Min(newline < 0 ? chunk.Length : newline, maxLineChars - line.Length);
                line.Append(chunk[..take]);
                chunk = chunk[take..];
                if (newline == take)
                {
                    chunk = chunk[1..];
                    Emit(line, stream, log);
                }
                else if (line.Length >= maxLineChars)
                {
                    // Split, not buffer: a program that never prints a newline must not fill our memory.
                    Emit(line, stream, log);
                }
            }
        }

        if (line.Length > 0)
        {
            Emit(line, stream, log);
        }
    }

    private static void Emit(StringBuilder line, ContainerLogStream stream, ContainerLogFile log)
    {
        int length = line.Length > 0 && line[^1] == '\r' ? line.Length - 1 : line.Length;
        log.Append(stream, line.ToString(0, length));
        line.Clear();
    }
}
