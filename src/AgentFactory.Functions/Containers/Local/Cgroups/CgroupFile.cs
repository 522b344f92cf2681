using System.Globalization;
using System.Text;

namespace AgentFactory.Functions.Containers.Local.Cgroups;

/// <summary>Reads and writes cgroup control files, which take one value per write and never grow by being created.</summary>
internal static class CgroupFile
{
    /// <summary>Writes a value in one write(2); FileMode.Open because a missing control file means an unsupported feature, not a file to create.</summary>
    public static void Write(string path, string value)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Write(Encoding.ASCII.GetBytes(value));
        }
        catch (IOException ex)
        {
            throw new IOException($"Cannot write '{value}' to {path}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"Cannot write '{value}' to {path}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the value when the control file exists (a feature of newer kernels or enabled accounting).</summary>
    public static bool WriteIfPresent(string path, string value)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        Write(path, value);
        return true;
    }

    public static string Read(string path) => File.ReadAllText(path).Trim();

    /// <summary>A single number; null when the file does not exist (so the feature is missing).</summary>
    public static long? ReadNumber(string path) =>
        File.Exists(path) && long.TryParse(Read(path), NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value : null;

    /// <summary>The value of <paramref name="key"/> in a flat keyed file (<c>key value</c> lines), e.g. memory.events.</summary>
    public static long? ReadKeyed(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && line.AsSpan(0, space).SequenceEqual(key) &&
                long.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Process ids in a cgroup.procs file.</summary>
    public static IEnumerable<int> ReadPids(string procsPath) =>
        File.Exists(procsPath)
            ? File.ReadLines(procsPath).Select(l => int.Parse(l, NumberStyles.None, CultureInfo.InvariantCulture))
            : [];

    /// <summary>
    /// Removes a cgroup directory (rmdir only: its control files are not files to delete). Retries briefly
    /// because the kernel frees a cgroup a moment after its last process is reaped.
    /// </summary>
    public static async Task RemoveDirectoryAsync(string path, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            if (!Directory.Exists(path))
            {
                return;
            }

            try
            {
                Directory.Delete(path, recursive: false);
                return;
            }
            catch (IOException) when (attempt < 100)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
