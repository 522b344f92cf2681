using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;

namespace AgentFactory.Functions.Orchestration.Secrets;

/// <summary>What a caller needs the secret values for.</summary>
public enum SecretUse
{
    /// <summary>Validation, the sandbox, provisioning: every value must be there, from the submission that is being used.</summary>
    Run,

    /// <summary>Removing resources: only names matter, so a missing or replaced value is not an error.</summary>
    Removal,
}

/// <summary>A configuration with its secret values put back: held in memory by an activity, never returned or stored.</summary>
public sealed class MergedConfiguration
{
    internal MergedConfiguration(string? json, IReadOnlyList<ValidationErrorInfo> problems)
    {
        Json = json;
        Problems = problems;
    }

    /// <summary>The full configuration JSON (secrets included), or null when <see cref="Problems"/> explain why not.</summary>
    public string? Json { get; }

    /// <summary>Secrets that are missing or were replaced by a later submission.</summary>
    public IReadOnlyList<ValidationErrorInfo> Problems { get; }

    /// <summary>The typed configuration (for a configuration that has been validated).</summary>
    public AgentConfiguration ToConfiguration() =>
        JsonSerializer.Deserialize<AgentConfiguration>(Json ?? throw new InvalidOperationException("The configuration's secrets are not available: "
            + string.Join(" ", Problems.Select(p => p.Message))), AgentFactoryJson.Options)
        ?? throw new InvalidOperationException("The configuration is empty.");

    /// <summary>Never the configuration: it holds secrets.</summary>
    public override string ToString() => $"MergedConfiguration ({Problems.Count} problem(s))";
}

/// <summary>
/// Keeps secret values out of the orchestration: <see cref="StoreAsync"/> (the facade) moves the values of a submitted
/// configuration's secret variables into the <see cref="ISecretStore"/> and returns the configuration with <c>***</c> in
/// their place; <see cref="MergeAsync"/> (activities that need them: validation, sandbox, provisioning) puts them back
/// in memory. A submission may send <c>***</c> for a secret to keep the value stored by an earlier one.
/// </summary>
public sealed class ConfigurationSecrets(ISecretStore store)
{
    /// <summary>Problem code: a secret variable whose value is not stored.</summary>
    public const string MissingCode = "secret.missing";

    /// <summary>Problem code: a secret variable whose stored value belongs to a later submission.</summary>
    public const string SupersededCode = "secret.superseded";

    // Longer names are refused by validation; they are redacted but not stored.
    private const int MaxNameLength = 256;

    /// <summary>Stores the secret values of <paramref name="configuration"/> under <paramref name="version"/> and returns it redacted.</summary>
    public async Task<SubmittedConfiguration> StoreAsync(string deploymentId, JsonElement configuration, string version,
        CancellationToken cancellationToken = default)
    {
        if (configuration.ValueKind != JsonValueKind.Object)
        {
            return new SubmittedConfiguration(null, null, [new ValidationErrorInfo("", "json.type", "The configuration must be a JSON object.")]);
        }

        var values = new List<(string Name, string Value)>();
        string redacted = SecretFields.Rewrite(configuration, field =>
        {
            if (field.Value.ValueKind != JsonValueKind.String)
            {
                // A secret that is not a string is not stored (validation reports it) and not kept either.
                return null;
            }

            if (field.Name is { Length: > 0 and <= MaxNameLength } name)
            {
                values.Add((name, field.Value.GetString()!));
            }

            return EnvironmentVariable.RedactedValue;
        });

        foreach ((string name, string value) in values)
        {
            if (value == EnvironmentVariable.RedactedValue)
            {
                // "Keep what I sent before": carried over to this submission's version, or left missing for validation to report.
                StoredSecret? earlier = await store.GetAsync(deploymentId, name, cancellationToken).ConfigureAwait(false);
                if (earlier is not null && earlier.Version != version)
                {
                    await store.PutAsync(deploymentId, name, new StoredSecret(earlier.Value, version), cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            await store.PutAsync(deploymentId, name, new StoredSecret(value, version), cancellationToken).ConfigureAwait(false);
        }

        return new SubmittedConfiguration(redacted, version);
    }

    /// <summary>The redacted <paramref name="json"/> with the stored values of its secrets put back.</summary>
    public async Task<MergedConfiguration> MergeAsync(string deploymentId, string json, string? secretsVersion, SecretUse use,
        CancellationToken cancellationToken = default)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        var values = new Dictionary<int, string>();
        var problems = new List<ValidationErrorInfo>();
        foreach (SecretField field in SecretFields.Find(document.RootElement))
        {
            if (field.Name is null || field.Value.ValueKind != JsonValueKind.String || field.Value.GetString() != EnvironmentVariable.RedactedValue)
            {
                // Nameless (validation says so), or not a placeholder: nothing to put back.
                continue;
            }

            StoredSecret? stored = await store.GetAsync(deploymentId, field.Name, cancellationToken).ConfigureAwait(false);
            if (use == SecretUse.Removal)
            {
                values[field.Index] = stored?.Value ?? "";
            }
            else if (stored is null)
            {
                problems.Add(new(field.Pointer, MissingCode,
                    $"The value of secret '{field.Name}' is not stored; submit the configuration again with its value."));
            }
            else if (secretsVersion is not null && stored.Version != secretsVersion)
            {
                problems.Add(new(field.Pointer, SupersededCode,
                    $"A later submission replaced the value of secret '{field.Name}'; submit the configuration again."));
            }
            else
            {
                values[field.Index] = stored.Value;
            }
        }

        if (problems.Count > 0)
        {
            return new MergedConfiguration(null, problems);
        }

        string merged = SecretFields.Rewrite(document.RootElement, field => values.TryGetValue(field.Index, out string? value) ? value
            : field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null);
        return new MergedConfiguration(merged, []);
    }
}
