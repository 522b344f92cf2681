using System.Text;

namespace AgentFactory.Functions.Containers.Local.Cgroups;

/// <summary>One line of <c>/proc/self/mountinfo</c>: where a file system is mounted, its type and super options.</summary>
internal sealed record MountEntry(string MountPoint, string FileSystemType, IReadOnlyList<string> SuperOptions)
{
    /// <summary>
    /// Parses mountinfo text (proc(5)): <c>id parent dev root mountpoint options [optional…] - type source superoptions</c>.
    /// </summary>
    public static IReadOnlyList<MountEntry> Parse(string text)
    {
        var entries = new List<MountEntry>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || separator < 5 || separator + 3 > fields.Length)
            {
                continue;
            }

            entries.Add(new MountEntry(Unescape(fields[4]), fields[separator + 1], fields[separator + 3].Split(',')));
        }

        return entries;
    }

    // The kernel writes space, tab, newline and backslash in paths as \ooo octal escapes.
    private static string Unescape(string path)
    {
        if (!path.Contains('\\', StringComparison.Ordinal))
        {
            return path;
        }

        var result = new StringBuilder(path.Length);
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 3 < path.Length && IsOctal(path.AsSpan(i + 1, 3)))
            {
                result.Append((char)((((path[i + 1] - '0') * 8) + (path[i + 2] - '0')) * 8 + (path[i + 3] - '0')));
                i += 3;
            }
            else
            {
                result.Append(path[i]);
            }
        }

        return result.ToString();
    }

    private static bool IsOctal(ReadOnlySpan<char> digits) => digits.IndexOfAnyExceptInRange('0', '7') < 0;
}
