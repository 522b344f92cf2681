using AgentFactory.AgentRuntime.Kinds.Memory;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class RelevanceScorerTests
{
    private static MemoryEntry Entry(string key, string text, int minutesAgo = 0) =>
        new(key, text, MemoryTier.LongTerm, DateTimeOffset.UnixEpoch.AddMinutes(-minutesAgo), DateTimeOffset.MaxValue);

    [Fact]
    public void Rank_MoreQueryTermsMatched_RanksHigher()
    {
        var ranked = RelevanceScorer.Rank("ACME invoice overdue", [
            Entry("invoice-1", "Invoice 1001 for ACME was paid."),
            Entry("invoice-2", "Invoice 1002 for ACME is overdue."),
            Entry("invoice-3", "Invoice 1003 for Globex was cancelled."),
        ], semantic: false);

        Assert.Equal(["invoice-2", "invoice-1", "invoice-3"], ranked.Select(r => r.Entry.Key));
    }

    [Fact]
    public void Rank_EqualScores_NewerEntryFirst()
    {
        var ranked = RelevanceScorer.Rank("invoice", [Entry("old", "invoice", minutesAgo: 10), Entry("new", "invoice")], semantic: false);

        Assert.Equal(["new", "old"], ranked.Select(r => r.Entry.Key));
    }

    [Fact]
    public void Rank_StopWordsOnly_MatchesNothing()
    {
        Assert.Empty(RelevanceScorer.Rank("which is the", [Entry("a", "which is the best")], semantic: false));
    }

    [Theory]
    [InlineData("invoices", "invoice")]
    [InlineData("companies", "company")]
    [InlineData("boxes", "box")]
    [InlineData("status", "status")]
    [InlineData("class", "class")]
    public void Stem_Plural_BecomesSingular(string word, string stem) => Assert.Equal(stem, TextTerms.Stem(word));
}
