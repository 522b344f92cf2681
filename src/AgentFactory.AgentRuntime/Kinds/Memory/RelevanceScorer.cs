namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>An entry with its relevance to a query.</summary>
internal readonly record struct ScoredEntry(MemoryEntry Entry, double Score);

/// <summary>
/// Keyword relevance: each query term found in an entry (its key and text) adds the term's inverse document
/// frequency, so rare words ("plan") outweigh words every entry shares ("customer 42"). With semantic scoring a
/// query term also matches its synonyms (<see cref="Thesaurus"/>) at <see cref="SynonymWeight"/>.
/// </summary>
internal static class RelevanceScorer
{
    /// <summary>A synonym match counts a little less than the word itself.</summary>
    public const double SynonymWeight = 0.8;

    /// <summary>The entries that match at all, best first (ties: newer first, then by key).</summary>
    public static IReadOnlyList<ScoredEntry> Rank(string query, IReadOnlyList<MemoryEntry> entries, bool semantic)
    {
        var queryTerms = TextTerms.Of(query).Distinct(StringComparer.Ordinal).ToList();
        var entryTerms = entries.Select(entry => TextTerms.Of(entry.Key + " " + entry.Text).ToHashSet(StringComparer.Ordinal)).ToList();
        var scores = new double[entries.Count];
        foreach (var term in queryTerms)
        {
            var synonyms = semantic ? Thesaurus.Synonyms(term) : new HashSet<string>();
            var exact = entryTerms.Select(terms => terms.Contains(term)).ToArray();
            var related = entryTerms.Select((terms, i) => !exact[i] && terms.Overlaps(synonyms)).ToArray();
            var weight = InverseDocumentFrequency(entries.Count, exact.Count(hit => hit) + related.Count(hit => hit));
            for (var i = 0; i < scores.Length; i++)
            {
                scores[i] += exact[i] ? weight : related[i] ? weight * SynonymWeight : 0;
            }
        }

        return entries.Select((entry, i) => new ScoredEntry(entry, Math.Round(scores[i], 3)))
            .Where(scored => scored.Score > 0)
            .OrderByDescending(scored => scored.Score)
            .ThenByDescending(scored => scored.Entry.CreatedAt)
            .ThenBy(scored => scored.Entry.Key, StringComparer.Ordinal)
            .ToList();
    }

    // BM25's smoothed idf: always positive, larger for rarer terms.
    private static double InverseDocumentFrequency(int documents, int containing) =>
        Math.Log(1 + ((documents - containing + 0.5) / (containing + 0.5)));
}
