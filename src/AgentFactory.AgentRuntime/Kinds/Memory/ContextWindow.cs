namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// Cuts ranked entries at the max context size (characters of entry text): whole entries in rank order while they
/// fit; the first that does not fit ends the list (rank order is never skipped over to squeeze in a smaller one).
/// When even the best entry is too long, its text is cut, so a recall that matched something never returns nothing.
/// </summary>
internal static class ContextWindow
{
    public static object Fit(IReadOnlyList<ScoredEntry> ranked, int maxContext)
    {
        List<object> entries = [];
        var size = 0;
        var truncated = false;
        foreach (var (entry, score) in ranked)
        {
            if (size + entry.Text.Length <= maxContext)
            {
                entries.Add(new { key = entry.Key, text = entry.Text, score, tier = entry.Tier });
                size += entry.Text.Length;
                continue;
            }

            truncated = true;
            if (entries.Count == 0)
            {
                entries.Add(new { key = entry.Key, text = entry.Text[..maxContext], score, tier = entry.Tier });
                size = maxContext;
            }

            break;
        }

        return new { entries, contextSize = size, truncated };
    }
}
