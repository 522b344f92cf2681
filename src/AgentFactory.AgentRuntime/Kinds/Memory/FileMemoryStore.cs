using System.Text.Json;

namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// Long-term memory as one JSON file per scope in a directory (the sandbox's AGENT_STATE_DIR has no storage
/// account). One agent process owns its files, so a process-wide lock is enough; writes go to a temporary file
/// that replaces the old one, so a crash never leaves half a file.
/// </summary>
internal sealed class FileMemoryStore(string directory) : IMemoryStore
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public async Task UpsertAsync(string scope, MemoryEntry entry, CancellationToken cancellationToken) =>
        await UpdateAsync(scope, entries => entries[entry.Key] = entry, cancellationToken);

    public async Task<bool> DeleteAsync(string scope, string key, CancellationToken cancellationToken)
    {
        var removed = false;
        await UpdateAsync(scope, entries => removed = entries.Remove(key), cancellationToken);
        return removed;
    }

    public async Task<IReadOnlyList<MemoryEntry>> ListLiveAsync(string scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<MemoryEntry> live = [];
        await UpdateAsync(scope, entries =>
        {
            foreach (var expired in entries.Values.Where(entry => !entry.IsLiveAt(now)).ToList())
            {
                entries.Remove(expired.Key);
            }

            live.AddRange(entries.Values);
        }, cancellationToken);
        return live;
    }

    public async Task DeleteScopeAsync(string scope, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(PathOf(scope)))
            {
                File.Delete(PathOf(scope));
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task UpdateAsync(string scope, Action<Dictionary<string, MemoryEntry>> change, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var path = PathOf(scope);
            var entries = File.Exists(path)
                ? JsonSerializer.Deserialize<Dictionary<string, MemoryEntry>>(await File.ReadAllBytesAsync(path, cancellationToken), RuntimeJson.Options) ?? []
                : [];
            var before = JsonSerializer.Serialize(entries, RuntimeJson.Options);
            change(entries);
            var after = JsonSerializer.Serialize(entries, RuntimeJson.Options);
            if (after != before)
            {
                Directory.CreateDirectory(directory);
                var temporary = path + ".tmp";
                await File.WriteAllTextAsync(temporary, after, cancellationToken);
                File.Move(temporary, path, overwrite: true);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    // Scopes are agent names and sandbox task ids; anything outside [A-Za-z0-9._-] becomes '_' so a scope never leaves the directory.
    private string PathOf(string scope) =>
        Path.Combine(directory, new string(scope.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()) + ".json");
}
