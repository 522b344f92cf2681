namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>Where an entry lives: process memory (gone on restart) or the long-term store.</summary>
internal enum MemoryTier
{
    ShortTerm,
    LongTerm,
}

/// <summary>One remembered fact; it is never returned after <see cref="ExpiresAt"/> (retention).</summary>
internal sealed record MemoryEntry(string Key, string Text, MemoryTier Tier, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt)
{
    public bool IsLiveAt(DateTimeOffset now) => ExpiresAt > now;
}
