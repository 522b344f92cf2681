using System.Text;
using System.Text.Json;
using AgentFactory.Functions.Containers;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace AgentFactory.Functions.Sandbox;

/// <summary>
/// A run's log as JSON lines in an append blob (<c>{container}/{deployment}/{test}.jsonl</c>), so it outlives the
/// sandbox: Container Instances keeps only the last 4 MB while running and 16 KB after (ANCHORS), a local sandbox
/// deletes its files with it.
/// </summary>
public sealed class SandboxLogStore(BlobServiceClient blobs, SandboxOptions options)
{
    // An append block may hold 4 MiB; stay below it.
    private const int MaxAppendBytes = 3 * 1024 * 1024;

    public static string Reference(string deploymentId, string testId) => $"{deploymentId}/{testId}.jsonl";

    /// <summary>Appends <paramref name="lines"/> (creating the blob when needed).</summary>
    public async Task AppendAsync(string reference, IEnumerable<ContainerLogLine> lines, CancellationToken cancellationToken = default)
    {
        BlobContainerClient container = blobs.GetBlobContainerClient(options.LogsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        AppendBlobClient blob = container.GetAppendBlobClient(reference);
        await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var chunk = new StringBuilder();
        foreach (ContainerLogLine line in lines)
        {
            string json = JsonSerializer.Serialize(new SandboxLogLine(line.Sequence, line.Timestamp, line.Stream.ToString(), line.Text), SandboxJson.Options);
            if (chunk.Length > 0 && Encoding.UTF8.GetByteCount(chunk.ToString()) + Encoding.UTF8.GetByteCount(json) + 1 > MaxAppendBytes)
            {
                await AppendChunkAsync(blob, chunk, cancellationToken).ConfigureAwait(false);
            }

            chunk.Append(json).Append('\n');
        }

        if (chunk.Length > 0)
        {
            await AppendChunkAsync(blob, chunk, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lines after sequence <paramref name="after"/>, at most <paramref name="max"/>.</summary>
    public async Task<SandboxLogPage> ReadAsync(string reference, long after, int max, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        BlobClient blob = blobs.GetBlobContainerClient(options.LogsContainer).GetBlobClient(reference);
        BlobDownloadResult content;
        try
        {
            content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new SandboxLogPage([], after, false);
        }

        var lines = new List<SandboxLogLine>();
        bool more = false;
        foreach (string text in content.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            SandboxLogLine line = JsonSerializer.Deserialize<SandboxLogLine>(text, SandboxJson.Options)!;
            if (line.Sequence <= after)
            {
                continue;
            }

            if (lines.Count == max)
            {
                more = true;
                break;
            }

            lines.Add(line);
        }

        return new SandboxLogPage(lines, lines.Count > 0 ? lines[^1].Sequence : after, more);
    }

    private static async Task AppendChunkAsync(AppendBlobClient blob, StringBuilder chunk, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(chunk.ToString()));
        await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        chunk.Clear();
    }
}

internal static class SandboxJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
