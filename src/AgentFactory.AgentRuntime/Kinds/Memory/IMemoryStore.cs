namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// The long-term memory store: a Table (<see cref="TableMemoryStore"/>) when the agent has storage, else a JSON file
/// in its state directory (<see cref="FileMemoryStore"/>). A scope is one agent's memory (one sandbox task's, in a sandbox).
/// </summary>
internal interface IMemoryStore
{
    /// <summary>Stores <paramref name="entry"/>, replacing an entry with the same key.</summary>
    Task UpsertAsync(string scope, MemoryEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes the entry; false when there was none.</summary>
    Task<bool> DeleteAsync(string scope, string key, CancellationToken cancellationToken);

    /// <summary>
    /// The entries still live at <paramref name="now"/>. Expired entries are deleted as they are met, so retention
    /// needs no sweeper process and an expired entry is never returned.
    /// </summary>
    Task<IReadOnlyList<MemoryEntry>> ListLiveAsync(string scope, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes the whole scope (a finished sandbox task's memory).</summary>
    Task DeleteScopeAsync(string scope, CancellationToken cancellationToken);
}
