namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// Turns text into search terms: lower-case words and numbers, without stop words, lightly stemmed
/// ("invoices" → "invoice", "companies" → "company") so a plural matches its singular.
/// </summary>
internal static class TextTerms
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "on", "in", "at", "of", "for", "to",
        "and", "or", "but", "which", "what", "who", "whom", "whose", "how", "when", "where", "why", "do", "does", "did",
        "it", "its", "this", "that", "these", "those", "with", "by", "from", "as", "has", "have", "had", "i", "you", "we",
        "they", "he", "she", "me", "my", "our", "your", "their", "his", "her", "there", "here", "many", "much", "any",
        "some", "about", "into", "than", "then", "so", "if", "not", "no", "can", "will", "would", "should", "could",
        "since", "s", "t", "please", "tell", "us", "all",
    };

    public static IEnumerable<string> Of(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                var word = text[start..i].ToLowerInvariant();
                start = -1;
                if (!StopWords.Contains(word))
                {
                    yield return Stem(word);
                }
            }
        }
    }

    /// <summary>A deliberately small stemmer: plural endings only, which is where most query/entry mismatches are.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !word.EndsWith('s') || char.IsDigit(word[0]))
        {
            return word;
        }

        if (word.EndsWith("ies", StringComparison.Ordinal) && word.Length > 4)
        {
            return word[..^3] + "y";
        }

        if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal) || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        return word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal) ? word : word[..^1];
    }
}
