namespace AgentFactory.Functions.Orchestration.Secrets;

/// <summary>
/// A secret value with the version of the submission that stored it. <see cref="ToString"/> never shows the value.
/// </summary>
public sealed class StoredSecret(string value, string version)
{
    public string Value { get; } = value;

    /// <summary>The submission the value belongs to (see <see cref="SubmittedConfiguration.SecretsVersion"/>).</summary>
    public string Version { get; } = version;

    public override string ToString() => $"StoredSecret (version {Version})";
}

/// <summary>
/// Where the secret values of a deployment's configuration live, by (deployment, variable name), so that the
/// orchestration, its history, status and events only ever hold the redacted configuration. On Azure this seam is
/// Key Vault; locally <see cref="TableSecretStore"/> keeps them encrypted in a table.
/// </summary>
public interface ISecretStore
{
    /// <summary>Stores (or replaces) the value of <paramref name="name"/> for the deployment.</summary>
    Task PutAsync(string deploymentId, string name, StoredSecret secret, CancellationToken cancellationToken = default);

    /// <summary>The stored value, or null.</summary>
    Task<StoredSecret?> GetAsync(string deploymentId, string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes one value; false when there was none.</summary>
    Task<bool> DeleteAsync(string deploymentId, string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes every value of the deployment; returns how many there were.</summary>
    Task<int> DeleteAllAsync(string deploymentId, CancellationToken cancellationToken = default);
}
