using Azure;
using Azure.Storage.Blobs;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>
/// Keeps large strings out of rows and messages: above the inline limit a value is written to a blob
/// under the instance's prefix and replaced by a reference; reads resolve references transparently.
/// </summary>
internal sealed class PayloadStore(TaskHub hub)
{
    private const string Prefix = "blob:";

    /// <summary>The value, or a blob reference to it when it is too large to inline.</summary>
    public async Task<string?> OffloadAsync(string instanceId, string? value, CancellationToken cancellationToken)
    {
        if (value is null || value.Length <= hub.Options.MaxInlinePayloadChars)
        {
            return value;
        }

        string name = $"{instanceId}/{Guid.NewGuid():N}";
        await hub.Payloads.GetBlobClient(name).UploadAsync(BinaryData.FromString(value), overwrite: true, cancellationToken).ConfigureAwait(false);
        return Prefix + name;
    }

    /// <summary>The value behind <paramref name="stored"/> (itself, or the blob it references).</summary>
    public async Task<string?> ResolveAsync(string? stored, CancellationToken cancellationToken)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return stored;
        }

        try
        {
            BlobClient blob = hub.Payloads.GetBlobClient(stored[Prefix.Length..]);
            return (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new InvalidOperationException($"The payload blob '{stored[Prefix.Length..]}' is missing (purged?).", ex);
        }
    }

    /// <summary>Deletes every payload blob of an instance.</summary>
    public async Task DeleteAllAsync(string instanceId, CancellationToken cancellationToken)
    {
        await foreach (var item in hub.Payloads.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, instanceId + "/", cancellationToken).ConfigureAwait(false))
        {
            await hub.Payloads.DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
