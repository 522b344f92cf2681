namespace AgentFactory.Functions.Progress.WebPubSub;

/// <summary>
/// <c>Endpoint=https://name.webpubsub.azure.com;AccessKey=…;Version=1.0;[Port=…;]</c>, as the Azure SDK reads it: keys
/// case-insensitive, order free, <c>Port</c> replacing the endpoint's port.
/// </summary>
public sealed record WebPubSubConnectionString(Uri Endpoint, string AccessKey)
{
    public static WebPubSubConnectionString Parse(string? value) =>
        TryParse(value, out WebPubSubConnectionString? parsed, out string? problem) ? parsed : throw new FormatException(problem);

    public static bool TryParse(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebPubSubConnectionString? parsed,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        parsed = null;
        if (!TryReadParts(value, out Dictionary<string, string>? parts, out problem) || !TryReadEndpoint(parts, out Uri? endpoint, out problem))
        {
            return false;
        }

        if (parts.ContainsKey("AuthType"))
        {
            problem = "names an identity (AuthType=…), not an access key.";
            return false;
        }

        if (!parts.TryGetValue("AccessKey", out string? key) || key.Length == 0)
        {
            problem = "needs AccessKey=….";
            return false;
        }

        parsed = new WebPubSubConnectionString(endpoint, key);
        return true;
    }

    /// <summary>The <c>Key=Value;</c> parts, keys case-insensitive; the problem never echoes a part (it may be the key).</summary>
    internal static bool TryReadParts(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Dictionary<string, string>? parts,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        parts = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is empty.";
            return false;
        }

        var read = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                problem = "has a part that is not Key=Value.";
                return false;
            }

            read[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        parts = read;
        problem = null;
        return true;
    }

    /// <summary><c>Endpoint</c> with <c>Port</c> applied, after checking <c>Version</c>.</summary>
    internal static bool TryReadEndpoint(Dictionary<string, string> parts, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? endpoint,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        endpoint = null;
        if (!parts.TryGetValue("Endpoint", out string? value) || !Uri.TryCreate(value, UriKind.Absolute, out Uri? uri)
            || uri.Scheme is not ("https" or "http"))
        {
            problem = "needs Endpoint=https://….";
            return false;
        }

        if (parts.TryGetValue("Version", out string? version) && version != "1.0")
        {
            problem = "has a Version other than 1.0.";
            return false;
        }

        var builder = new UriBuilder(uri) { Path = "/", Query = "", Fragment = "" };
        if (parts.TryGetValue("Port", out string? port))
        {
            if (!int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out int p) || p is < 1 or > 65535)
            {
                problem = "has a Port that is not 1–65535.";
                return false;
            }

            builder.Port = p;
        }

        endpoint = builder.Uri;
        problem = null;
        return true;
    }

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"Endpoint={Endpoint};AccessKey=***;Version=1.0;";
}
