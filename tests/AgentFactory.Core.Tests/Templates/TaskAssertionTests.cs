using System.Text.Json;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Tests.Templates;

public class TaskAssertionTests
{
    private static readonly JsonElement Result = JsonDocument.Parse("""
        {"status":200,"ok":true,"name":"Ada Lovelace","tags":["a","b"],"entries":[{"key":"k1","score":0.9},{"key":"k2","score":0.5}],"none":null}
        """).RootElement;

    private static TaskAssertion Assertion(string path, AssertionKind kind, string? valueJson = null) => new()
    {
        Path = path,
        Kind = kind,
        Value = valueJson is null ? null : JsonDocument.Parse(valueJson).RootElement,
    };

    [Theory]
    [InlineData("$.status", AssertionKind.Equals, "200", true)]
    [InlineData("$.status", AssertionKind.Equals, "200.0", true)]
    [InlineData("$.status", AssertionKind.Equals, "\"200\"", false)]
    [InlineData("$.entries[1].key", AssertionKind.Equals, "\"k2\"", true)]
    [InlineData("$.entries[*].key", AssertionKind.Equals, "[\"k1\",\"k2\"]", true)]
    [InlineData("$.status", AssertionKind.NotEquals, "500", true)]
    [InlineData("$.missing", AssertionKind.NotEquals, "500", false)]
    [InlineData("$.name", AssertionKind.Contains, "\"Love\"", true)]
    [InlineData("$.tags", AssertionKind.Contains, "\"b\"", true)]
    [InlineData("$.tags", AssertionKind.Contains, "\"c\"", false)]
    [InlineData("$.entries[*].key", AssertionKind.Contains, "\"k2\"", true)]
    [InlineData("$.none", AssertionKind.Exists, null, true)]
    [InlineData("$.entries[5]", AssertionKind.Exists, null, false)]
    [InlineData("$.entries[5]", AssertionKind.NotExists, null, true)]
    [InlineData("$.entries[0].score", AssertionKind.GreaterThanOrEqual, "0.9", true)]
    [InlineData("$.entries[1].score", AssertionKind.GreaterThanOrEqual, "0.9", false)]
    [InlineData("$.entries[1].score", AssertionKind.LessThanOrEqual, "0.5", true)]
    [InlineData("$.name", AssertionKind.LessThanOrEqual, "1", false)]
    public void Evaluate_Kind_MatchesExpectation(string path, AssertionKind kind, string? value, bool passed)
    {
        var outcome = Assertion(path, kind, value).Evaluate(Result);

        Assert.True(outcome.Passed == passed, outcome.Detail);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Detail));
    }

    [Theory]
    [InlineData("status")]
    [InlineData("$.")]
    [InlineData("$[x]")]
    [InlineData("$.a[1")]
    [InlineData("$..a")]
    public void Evaluate_InvalidPath_FailsWithReason(string path)
    {
        var outcome = Assertion(path, AssertionKind.Exists).Evaluate(Result);

        Assert.False(outcome.Passed);
        Assert.Contains("invalid", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_EqualsWithoutValue_FailsWithReason()
    {
        var outcome = Assertion("$.status", AssertionKind.Equals).Evaluate(Result);

        Assert.False(outcome.Passed);
        Assert.Contains("no expected value", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_PathIntoScalar_SelectsNothing()
    {
        Assert.True(ResultPath.TryParse("$.status.inner[0]", out var path, out _));

        Assert.Empty(path.Select(Result));
    }
}
