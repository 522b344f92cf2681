namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// The "semantic" part of semantic recall: groups of words that mean the same thing in business text, so a query
/// finds an entry that shares meaning but no words ("cars" ↔ "automobiles"). No model weights are available to the
/// agent, so meaning is a curated thesaurus; its words are stems (<see cref="TextTerms.Stem"/>).
/// </summary>
internal static class Thesaurus
{
    private static readonly string[][] Groups =
    [
        ["car", "automobile", "auto", "vehicle", "motorcar", "fleet"],
        ["truck", "lorry", "van", "vehicle"],
        ["customer", "client", "buyer", "purchaser", "account"],
        ["invoice", "bill", "billing", "statement"],
        ["payment", "paid", "pay", "remittance", "settled", "transfer"],
        ["overdue", "late", "outstanding", "unpaid", "delinquent"],
        ["price", "cost", "fee", "charge", "rate", "amount"],
        ["cancel", "cancelled", "canceled", "terminate", "terminated", "void"],
        ["refund", "reimbursement", "credit", "repayment"],
        ["employee", "staff", "worker", "personnel", "colleague"],
        ["manager", "boss", "supervisor", "lead", "head"],
        ["company", "business", "firm", "organisation", "organization", "enterprise", "corporation"],
        ["office", "workplace", "headquarter", "premise", "site"],
        ["meeting", "call", "appointment", "session", "conference"],
        ["email", "mail", "message", "inbox"],
        ["phone", "telephone", "mobile", "cell"],
        ["address", "location", "residence", "place"],
        ["city", "town", "municipality"],
        ["buy", "purchase", "order", "acquire"],
        ["sell", "sale", "sold", "vend"],
        ["product", "item", "good", "article", "merchandise"],
        ["delivery", "shipment", "shipping", "dispatch", "parcel", "package"],
        ["problem", "issue", "bug", "defect", "fault", "incident", "error"],
        ["fix", "repair", "resolve", "patch", "remedy"],
        ["start", "begin", "launch", "commence"],
        ["end", "finish", "stop", "close", "conclude"],
        ["big", "large", "huge", "major"],
        ["small", "little", "minor", "tiny"],
        ["quick", "fast", "rapid", "speedy"],
        ["doctor", "physician", "clinician", "medic"],
        ["house", "home", "dwelling", "residence"],
        ["money", "fund", "cash", "capital", "budget"],
        ["holiday", "vacation", "leave", "break"],
        ["plan", "subscription", "tier", "package"],
        ["contract", "agreement", "deal"],
        ["password", "passphrase", "credential", "secret"],
        ["count", "number", "quantity", "total"],
    ];

    private static readonly HashSet<string> EmptySet = [];
    private static readonly Dictionary<string, HashSet<string>> Related = Build();

    /// <summary>Words that mean the same as <paramref name="term"/> (not including it); empty when none are known.</summary>
    public static IReadOnlySet<string> Synonyms(string term) => Related.TryGetValue(term, out var words) ? words : EmptySet;

    private static Dictionary<string, HashSet<string>> Build()
    {
        var related = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var group in Groups)
        {
            foreach (var word in group)
            {
                var set = related.TryGetValue(word, out var existing) ? existing : related[word] = new HashSet<string>(StringComparer.Ordinal);
                set.UnionWith(group.Where(other => other != word));
            }
        }

        return related;
    }
}
