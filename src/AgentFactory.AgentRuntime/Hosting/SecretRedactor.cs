using AgentFactory.Core.Configuration;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>
/// Replaces secret values in text that leaves the process (log lines, results). Code never writes a secret on
/// purpose; this is the net under it, for a secret that an external API or an exception message echoes back.
/// </summary>
internal sealed class SecretRedactor
{
    public const string Mask = EnvironmentVariable.RedactedValue;

    // Values shorter than this are not masked: masking "1" or "ab" everywhere would wreck every line and hide nothing.
    private const int MinimumLength = 4;
    private readonly string[] secrets;

    public SecretRedactor(IEnumerable<string?> secrets) =>
        this.secrets = secrets.OfType<string>().Where(s => s.Length >= MinimumLength).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ToArray(); // longest first, so a secret containing another is masked whole

    public static SecretRedactor None { get; } = new([]);

    /// <summary>The secrets of an agent: the values of its environment variables marked secret, and the storage credentials.</summary>
    public static SecretRedactor For(AgentConfiguration configuration, AgentEnvironment environment)
    {
        var names = configuration.Advanced?.Environment?.Where(variable => variable is { Secret: true }).Select(variable => variable.Name) ?? [];
        var values = names.Select(environment.Get).ToList();
        if (environment.Storage is { } storage)
        {
            values.Add(storage);
            values.AddRange(storage.Split(';').Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2 &&
                (pair[0].Equals("AccountKey", StringComparison.OrdinalIgnoreCase) || pair[0].Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)))
                .Select(pair => pair[1]));
        }

        return new SecretRedactor(values);
    }

    public string Redact(string text)
    {
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
