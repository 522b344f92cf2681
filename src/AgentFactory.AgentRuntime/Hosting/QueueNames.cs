using System.Globalization;
using System.Text;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>
/// Names derived from an agent or queue name (<c>-poison</c>, <c>-alerts</c>) within the 63-character limit of
/// queues and tables: a name too long for its suffix is cut and given a short stable hash, so two long names that
/// share a prefix still get different derived names.
/// </summary>
internal static class QueueNames
{
    public const int MaxLength = 63;

    public static string Derived(string name, string suffix)
    {
        if (name.Length + suffix.Length <= MaxLength)
        {
            return name + suffix;
        }

        var hash = Fnv1a(name).ToString("x8", CultureInfo.InvariantCulture);
        var keep = name[..(MaxLength - suffix.Length - hash.Length - 1)].TrimEnd('-');
        return $"{keep}-{hash}{suffix}";
    }

    // FNV-1a: stable across processes and versions (string.GetHashCode is randomized per process).
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
