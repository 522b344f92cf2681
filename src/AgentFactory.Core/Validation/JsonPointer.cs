namespace AgentFactory.Core.Validation;

/// <summary>Builds RFC 6901 JSON pointers.</summary>
public static class JsonPointer
{
    /// <summary>The pointer to the whole document.</summary>
    public const string Root = "";

    /// <summary><paramref name="parent"/> followed by the escaped reference token <paramref name="token"/>.</summary>
    public static string Append(string parent, string token) =>
        $"{parent}/{token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)}";

    /// <summary><paramref name="parent"/> followed by an array index.</summary>
    public static string Append(string parent, int index) =>
        $"{parent}/{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>True when <paramref name="pointer"/> is <paramref name="ancestor"/> or lies inside it.</summary>
    public static bool IsWithin(string pointer, string ancestor) =>
        pointer == ancestor || pointer.StartsWith(ancestor + "/", StringComparison.Ordinal);
}
