using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>
/// A container's log: JSON lines in a file that outlives the process (and this runtime), numbered 1, 2, 3… across
/// both streams and restarts so that the sequence is the read cursor. One writer; any number of readers.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ContainerLogFile : IDisposable
{
    private readonly FileStream _file;
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _sequence;
    private long _dropped;
    private bool _closed;

    private ContainerLogFile(FileStream file, long sequence, long maxBytes, TimeProvider time)
    {
        _file = file;
        _sequence = sequence;
        _maxBytes = maxBytes;
        _time = time;
    }

    /// <summary>Opens the log for appending, continuing its numbering.</summary>
    public static ContainerLogFile Open(string path, long maxBytes, TimeProvider time)
    {
        long last = File.Exists(path) ? ReadLastSequence(path) : 0;
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read | FileShare.Delete,
            // The program may print secrets of its own; only the runtime's user may read its log.
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        return new ContainerLogFile(new FileStream(path, options), last, maxBytes, time);
    }

    /// <summary>Appends a line. Program output past the size limit is counted and dropped; runtime lines are always kept.</summary>
    public void Append(ContainerLogStream stream, string text)
    {
        lock (_gate)
        {
            if (_closed)
            {
                // A stop that races the exit may report after the run's log closed; the exit line already says it all.
                return;
            }

            if (stream != ContainerLogStream.Runtime && _file.Length >= _maxBytes)
            {
                if (_dropped++ == 0)
                {
                    Write(ContainerLogStream.Runtime, $"log limit of {_maxBytes} bytes reached; further output is dropped");
                }

                return;
            }

            Write(stream, text);
        }
    }

    /// <summary>Output lines dropped for the size limit.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _file.Dispose();
        }
    }

    /// <summary>
    /// Up to <paramref name="maxLines"/> lines after sequence <paramref name="after"/>. Streams the file, so reading
    /// a page of a long log costs a scan but no more memory than the page.
    /// </summary>
    public static ContainerLogPage Read(string path, long after, int maxLines)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        var lines = new List<ContainerLogLine>();
        if (!File.Exists(path))
        {
            return new ContainerLogPage(lines, after, HasMore: false);
        }

        foreach (LogEntry entry in Entries(path))
        {
            if (entry.Sequence <= after)
            {
                continue;
            }

            if (lines.Count == maxLines)
            {
                return new ContainerLogPage(lines, lines[^1].Sequence, HasMore: true);
            }

            lines.Add(new ContainerLogLine(entry.Sequence, entry.Timestamp, entry.Stream, entry.Text));
        }

        return new ContainerLogPage(lines, lines.Count > 0 ? lines[^1].Sequence : after, HasMore: false);
    }

    private void Write(ContainerLogStream stream, string text)
    {
        var entry = new LogEntry(++_sequence, _time.GetUtcNow(), stream, text);
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(entry, ContainerJson.Default.LogEntry);
        byte[] line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        // One write per line, flushed at once: a reader sees whole lines, and nothing is lost if this process dies.
        _file.Write(line);
        _file.Flush();
    }

    private static long ReadLastSequence(string path) => Entries(path).Select(e => e.Sequence).DefaultIfEmpty(0).Last();

    private static IEnumerable<LogEntry> Entries(string path)
    {
        using var reader = new StreamReader(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            LogEntry? entry;
            try
            {
                entry = JsonSerializer.Deserialize(line, ContainerJson.Default.LogEntry);
            }
            catch (JsonException)
            {
                // Only the last line can be incomplete (the writer is mid-write): it is read on the next call.
                yield break;
            }

            if (entry is not null)
            {
                yield return entry;
            }
        }
    }
}
