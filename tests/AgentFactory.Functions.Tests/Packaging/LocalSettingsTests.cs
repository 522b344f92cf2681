using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AgentFactory.Functions.Tests.Packaging;

/// <summary>
/// local.settings.sample.json lists the settings the app reads: every key or section named in the app's source, and
/// every key the running app looked up, has an entry; every entry is something the app reads (or the host needs).
/// </summary>
public sealed partial class LocalSettingsTests(PackagedApp app) : IClassFixture<PackagedApp>
{
    private static readonly string Root = FunctionsLayout.RepositoryRoot();

    // Set by the Functions host on the handler process, never by a person.
    private static readonly string[] SetByTheHost = ["FUNCTIONS_CUSTOMHANDLER_PORT"];

    // Read by the Functions host itself, not the app.
    private static readonly string[] ForTheHost = ["FUNCTIONS_WORKER_RUNTIME"];

    [Fact]
    public void Sample_ListsEverySettingTheAppReads_AndNothingElse()
    {
        HashSet<string> read = [.. SourceKeys(), .. app.KeysRead.Keys.Where(k => AppKey().IsMatch(k))];
        read.ExceptWith(SetByTheHost);
        string[] sample = [.. SampleKeys()];

        string[] missing = [.. read.Where(key => !sample.Any(s => Covers(key, s))).Order(StringComparer.Ordinal)];
        string[] stale = [.. sample.Where(s => !ForTheHost.Contains(s) && !read.Any(key => Covers(key, s))).Order(StringComparer.Ordinal)];

        Assert.True(missing.Length == 0, "local.settings.sample.json lacks (use __ for ':'): " + string.Join(", ", missing));
        Assert.True(stale.Length == 0, "local.settings.sample.json lists settings the app does not read: " + string.Join(", ", stale));
        Assert.Contains("AgentFactory:Containers:Provider", read);
        Assert.Contains("AgentFactory:Secrets:Key", read);
    }

    [Fact]
    public void Sample_LocalDefaults_UseAzuriteAndTheLocalProviders()
    {
        JsonObject values = Values();

        Assert.Equal("custom", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", (string?)values["AzureWebJobsStorage"]);
        Assert.Equal("Local", (string?)values["AgentFactory__Containers__Provider"]);
        Assert.All(values, v => Assert.Equal(System.Text.Json.JsonValueKind.String, v.Value!.GetValueKind()));
    }

    /// <summary>A sample key covers a key the app reads when it is that key or a key inside that section.</summary>
    private static bool Covers(string read, string sample) =>
        string.Equals(read, sample, StringComparison.OrdinalIgnoreCase) || sample.StartsWith(read + ":", StringComparison.OrdinalIgnoreCase)
        || read.StartsWith(sample + ":", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> SampleKeys() => Values().Select(v => v.Key.Replace("__", ":", StringComparison.Ordinal));

    private static JsonObject Values() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")))!["Values"]!.AsObject();

    /// <summary>Setting names written as whole string literals in the app's source (sections, keys, environment variables).</summary>
    private static IEnumerable<string> SourceKeys() =>
        Directory.EnumerateFiles(Path.Combine(Root, "src", "AgentFactory.Functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => QuotedKey().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal);

    [GeneratedRegex("\"(AgentFactory(?::[A-Za-z]+)+|DurableTask(?::[A-Za-z]+)+|AGENTFACTORY_[A-Z_]+|FUNCTIONS_[A-Z_]+|AzureWebJobsStorage)\"")]
    private static partial Regex QuotedKey();

    [GeneratedRegex("^(AgentFactory|DurableTask):|^AGENTFACTORY_|^AzureWebJobsStorage")]
    private static partial Regex AppKey();
}
