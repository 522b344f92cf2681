using System.Text.Json;
using AgentFactory.AgentRuntime.Hosting;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Kinds.Memory;

/// <summary>
/// The memory agent: <c>remember</c>, <c>recall</c>, <c>forget</c>, <c>advanceClock</c> (sandbox only) and
/// <c>sequence</c>. Short-term entries live in this process; long-term ones in the <see cref="IMemoryStore"/>.
/// Both expire after their retention. Recall ranks by <see cref="RelevanceScorer"/> and stops at the context size.
/// </summary>
internal sealed class MemoryHandler(MemorySettings settings, IMemoryStore longTerm, string scope, SandboxClock clock, bool sandbox) : IAgentHandler
{
    private const int MaxKeyLength = 256;
    private const int MaxTextLength = 32_000; // a Table string property holds 32K UTF-16 characters
    private readonly Dictionary<string, MemoryEntry> shortTerm = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public async Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken) => op switch
    {
        "sequence" => await SequenceAsync(input, cancellationToken),
        _ => await RunAsync(op, input, settings.MaxContextSize, cancellationToken),
    };

    public async ValueTask DisposeAsync()
    {
        // A sandbox task's memory is scratch: leave nothing behind in the store.
        if (sandbox)
        {
            await longTerm.DeleteScopeAsync(scope, CancellationToken.None);
        }
    }

    private async Task<object> SequenceAsync(JsonElement input, CancellationToken cancellationToken)
    {
        var maxContext = input.OptionalInt("maxContextSize", MemorySettings.MinContextSize, MemorySettings.MaxContextSizeLimit) ?? settings.MaxContextSize;
        var ops = input.Array("ops", 100, required: true);
        List<object> results = [];
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i].RequiredString("op", 64);
            if (op == "sequence")
            {
                throw new TaskInputException($"'ops[{i}]': a sequence cannot contain another sequence.");
            }

            results.Add(await RunAsync(op, ops[i], maxContext, cancellationToken));
        }

        return new { results };
    }

    private async Task<object> RunAsync(string op, JsonElement input, int maxContext, CancellationToken cancellationToken) => op switch
    {
        "remember" => await RememberAsync(input, cancellationToken),
        "recall" => await RecallAsync(input, maxContext, cancellationToken),
        "forget" => await ForgetAsync(input, cancellationToken),
        "advanceClock" => AdvanceClock(input),
        _ => throw new TaskInputException($"Unknown op '{op}' for a memory agent: use remember, recall, forget, advanceClock or sequence."),
    };

    private async Task<object> RememberAsync(JsonElement input, CancellationToken cancellationToken)
    {
        var key = Key(input);
        var text = input.RequiredString("text", MaxTextLength);
        var tier = Tier(input);
        var days = input.OptionalInt("retentionDays", MemorySettings.MinRetentionDays, MemorySettings.MaxRetentionDays) ?? settings.RetentionDays;
        var now = clock.GetUtcNow();
        var entry = new MemoryEntry(key, text, tier, now, now.AddDays(days));

        // One key, one entry: remembering again replaces it in whichever tier it was.
        await ForgetKeyAsync(key, cancellationToken);
        if (tier == MemoryTier.LongTerm)
        {
            await longTerm.UpsertAsync(scope, entry, cancellationToken);
        }
        else
        {
            lock (gate)
            {
                shortTerm[key] = entry;
            }
        }

        return new { stored = true, key, tier, expiresAt = entry.ExpiresAt };
    }

    private async Task<object> RecallAsync(JsonElement input, int maxContext, CancellationToken cancellationToken)
    {
        var query = input.RequiredString("query", 1000);
        var limit = input.OptionalInt("limit", 1, 100) ?? 10;
        var semantic = input.OptionalBool("semantic");
        var now = clock.GetUtcNow();
        List<MemoryEntry> candidates;
        lock (gate)
        {
            foreach (var expired in shortTerm.Values.Where(entry => !entry.IsLiveAt(now)).ToList())
            {
                shortTerm.Remove(expired.Key);
            }

            candidates = [.. shortTerm.Values];
        }

        if (settings.MemoryType != MemoryType.ShortTerm)
        {
            candidates.AddRange(await longTerm.ListLiveAsync(scope, now, cancellationToken));
        }

        var ranked = RelevanceScorer.Rank(query, candidates, semantic).Take(limit).ToList();
        return ContextWindow.Fit(ranked, maxContext);
    }

    private async Task<object> ForgetAsync(JsonElement input, CancellationToken cancellationToken) =>
        new { forgotten = await ForgetKeyAsync(Key(input), cancellationToken) };

    private async Task<bool> ForgetKeyAsync(string key, CancellationToken cancellationToken)
    {
        bool removed;
        lock (gate)
        {
            removed = shortTerm.Remove(key);
        }

        return (settings.MemoryType != MemoryType.ShortTerm && await longTerm.DeleteAsync(scope, key, cancellationToken)) || removed;
    }

    private object AdvanceClock(JsonElement input)
    {
        if (!sandbox)
        {
            throw new TaskInputException("'advanceClock' moves the sandbox clock and is only available in sandbox mode.");
        }

        clock.Advance(TimeSpan.FromDays(input.RequiredInt("days", 0, MemorySettings.MaxRetentionDays * 2)));
        return new { now = clock.GetUtcNow() };
    }

    /// <summary>The tier asked for, within what the agent keeps: a short-term-only agent keeps nothing long, and the reverse.</summary>
    private MemoryTier Tier(JsonElement input)
    {
        var asked = input.OptionalString("tier", 16) switch
        {
            null => settings.MemoryType == MemoryType.ShortTerm ? MemoryTier.ShortTerm : MemoryTier.LongTerm,
            "shortTerm" => MemoryTier.ShortTerm,
            "longTerm" => MemoryTier.LongTerm,
            _ => throw JsonInput.Invalid("tier", "'shortTerm' or 'longTerm'"),
        };
        return settings.MemoryType switch
        {
            MemoryType.ShortTerm => MemoryTier.ShortTerm,
            MemoryType.LongTerm => MemoryTier.LongTerm,
            _ => asked,
        };
    }

    // Keys become Table row keys, which cannot hold '/', '\', '#', '?' or control characters.
    private static string Key(JsonElement input)
    {
        var key = input.RequiredString("key", MaxKeyLength);
        return key.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            ? throw JsonInput.Invalid("key", "free of '/', '\\', '#', '?' and control characters")
            : key;
    }
}
