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
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is empty.";
            return false;
        }

        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                // Never echo the part: it may be the key.
                problem = "has a part that is not Key=Value.";
                return false;
            }

            parts[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (!parts.TryGetValue("Endpoint", out string? endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out Uri? uri)
            || uri.Scheme is not ("https" or "http"))
        {
            problem = "needs Endpoint=https://….";
            return false;
        }

        if (!parts.TryGetValue("AccessKey", out string? key) || key.Length == 0)
        {
            problem = "needs AccessKey=….";
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

        parsed = new WebPubSubConnectionString(builder.Uri, key);
        problem = null;
        return true;
    }

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"Endpoint={Endpoint};AccessKey=***;Version=1.0;";
}
