namespace AgentFactory.Cli;

/// <summary>A query string built from the options that were given (absent ones are left out).</summary>
internal sealed class Query
{
    private readonly List<string> _parts = [];

    public void Add(string name, string? value)
    {
        if (value is not null)
        {
            _parts.Add(Uri.EscapeDataString(name) + "=" + Uri.EscapeDataString(value));
        }
    }

    public override string ToString() => _parts.Count == 0 ? "" : "?" + string.Join("&", _parts);
}
