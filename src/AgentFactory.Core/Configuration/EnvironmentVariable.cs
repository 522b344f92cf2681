namespace AgentFactory.Core.Configuration;

/// <summary>
/// One environment variable of the agent's container. A secret's value must never reach logs,
/// history, problems or events: <see cref="ToString"/> hides it and <see cref="AgentConfiguration.Redacted"/> replaces it.
/// </summary>
public sealed record EnvironmentVariable
{
    /// <summary>What <see cref="AgentConfiguration.Redacted"/> puts in place of a secret value.</summary>
    public const string RedactedValue = "***";

    /// <summary>The POSIX name, e.g. <c>API_TOKEN</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The value (at most 32 KiB of UTF-8).</summary>
    public required string Value { get; init; }

    /// <summary>True when the value is a secret (API keys, passwords).</summary>
    public bool Secret { get; init; }

    /// <summary>This variable with its value replaced by <see cref="RedactedValue"/> when it is a secret.</summary>
    public EnvironmentVariable Redacted() => Secret ? this with { Value = RedactedValue } : this;

    /// <summary>A log-safe text: a secret's value is never included.</summary>
    public override string ToString() => $"{Name}={(Secret ? RedactedValue : Value)}";
}
