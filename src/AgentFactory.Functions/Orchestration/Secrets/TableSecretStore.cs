using System.Security.Cryptography;
using System.Text;
using AgentFactory.Functions.Storage;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Orchestration.Secrets;

/// <summary>
/// The local <see cref="ISecretStore"/>: table <c>{prefix}DeploymentSecrets</c>, PartitionKey = deployment id,
/// RowKey = <c>v:</c> + the variable name in hex (any name fits a key). Each value is encrypted with AES-256-GCM
/// under <see cref="SecretStoreOptions.Key"/>, with (deployment, name, version) as associated data, so a row copied
/// to another deployment or name does not decrypt. The table never holds a plaintext value.
/// </summary>
public sealed class TableSecretStore : ISecretStore
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;
    private readonly string _keyId;
    private readonly OnceCreatedTable _table;

    /// <summary>The store on <paramref name="service"/>'s account.</summary>
    /// <exception cref="InvalidOperationException">The key is missing or not 32 bytes of Base64.</exception>
    public TableSecretStore(TableServiceClient service, IOptions<SecretStoreOptions> options, string tablePrefix = "")
    {
        _key = options.Value.KeyBytes() ?? throw new InvalidOperationException(
            $"{SecretStoreOptions.Section}:Key must be a Base64 256-bit key (e.g. `openssl rand -base64 32`); secrets cannot be stored without it.");
        _keyId = options.Value.KeyId;
        _table = new OnceCreatedTable(service, tablePrefix + "DeploymentSecrets");
    }

    public TableClient Table => _table.Client;

    /// <inheritdoc/>
    public async Task PutAsync(string deploymentId, string name, StoredSecret secret, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Keys.Check(deploymentId, "deployment id"), RowKey(name))
        {
            ["Version"] = secret.Version,
            ["KeyId"] = _keyId,
            ["Ciphertext"] = Encrypt(deploymentId, name, secret),
        };
        await Table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<StoredSecret?> GetAsync(string deploymentId, string name, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> row = await Table.GetEntityIfExistsAsync<TableEntity>(Keys.Check(deploymentId, "deployment id"), RowKey(name),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        string version = row.Value!.GetString("Version") ?? "";
        byte[] sealedValue = row.Value.GetBinary("Ciphertext") ?? [];
        return new StoredSecret(Decrypt(deploymentId, name, version, sealedValue), version);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string deploymentId, string name, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return await DeleteRowAsync(Keys.Check(deploymentId, "deployment id"), RowKey(name), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<int> DeleteAllAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {Keys.Check(deploymentId, "deployment id")}");
        int deleted = 0;
        await foreach (TableEntity row in Table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken)
            .ConfigureAwait(false))
        {
            deleted += await DeleteRowAsync(row.PartitionKey, row.RowKey, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return deleted;
    }

    private Task EnsureCreatedAsync(CancellationToken cancellationToken) => _table.EnsureCreatedAsync(cancellationToken);

    private async Task<bool> DeleteRowAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            Response response = await Table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    private static string RowKey(string name) => "v:" + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(name));

    private static byte[] AssociatedData(string deploymentId, string name, string version) =>
        Encoding.UTF8.GetBytes($"{deploymentId.Length}:{deploymentId}|{name.Length}:{name}|{version}");

    private byte[] Encrypt(string deploymentId, string name, StoredSecret secret)
    {
        byte[] plain = Encoding.UTF8.GetBytes(secret.Value);
        byte[] sealedValue = new byte[NonceBytes + TagBytes + plain.Length];
        Span<byte> nonce = sealedValue.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes),
            AssociatedData(deploymentId, name, secret.Version));
        CryptographicOperations.ZeroMemory(plain);
        return sealedValue;
    }

    private string Decrypt(string deploymentId, string name, string version, byte[] sealedValue)
    {
        if (sealedValue.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException($"The stored secret '{name}' of deployment '{deploymentId}' is damaged.");
        }

        byte[] plain = new byte[sealedValue.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        try
        {
            aes.Decrypt(sealedValue.AsSpan(0, NonceBytes), sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), plain,
                AssociatedData(deploymentId, name, version));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new CryptographicException(
                $"The stored secret '{name}' of deployment '{deploymentId}' does not decrypt with key '{_keyId}': the key changed or the row was altered.", ex);
        }

        return Encoding.UTF8.GetString(plain);
    }
}
