namespace AgentFactory.Cli.Tests;

/// <summary>The command-line parser and the ProblemDetails printer, without the app.</summary>
public sealed class ParsingTests
{
    [Fact]
    public void Parse_TakesOptionsAnywhere_InBothSpellings_AndPositionalsAfterDoubleDash()
    {
        Arguments args = Arguments.Parse(["instances", "--top=5", "list", "--status", "Running", "--json", "--", "--literal"]);

        Assert.Equal("instances", args.Next("group"));
        Assert.Equal("list", args.Next("verb"));
        Assert.Equal("--literal", args.Next("word"));
        Assert.Equal(5, args.IntOption("top", 1, 1000));
        Assert.Equal("Running", args.Option("status"));
        Assert.True(args.Flag("json"));
        Assert.False(args.Flag("all"));
        args.EnsureAllUsed();
    }

    [Theory]
    [InlineData("--json=yes")]
    [InlineData("--status")]
    [InlineData("-x")]
    public void Parse_RefusesMalformedOptions(string word) =>
        Assert.Throws<UsageException>(() => Arguments.Parse(["instances", "list", word]));

    [Fact]
    public void Parse_RefusesAnOptionGivenTwice() =>
        Assert.Throws<UsageException>(() => Arguments.Parse(["--top", "1", "--top", "2"]));

    [Fact]
    public void EnsureAllUsed_NamesTheOptionsNoCommandRead()
    {
        Arguments args = Arguments.Parse(["--colour", "red", "--json"]);
        args.Flag("json");

        UsageException error = Assert.Throws<UsageException>(args.EnsureAllUsed);
        Assert.Equal("Unknown option for this command: --colour.", error.Message);
    }

    [Fact]
    public void Problems_PrintTitleDetailAndEveryFieldError()
    {
        using var error = new StringWriter();

        Problems.Write(error, new ApiException(400, """
            {"title":"Invalid request","status":400,"detail":"Fix the filter.","errors":{"top":["'top' must be 1 to 1000."],"createdTimeFrom":["Not a date."]}}
            """));

        Assert.Equal("error: Invalid request (HTTP 400)\n  Fix the filter.\n  top: 'top' must be 1 to 1000.\n  createdTimeFrom: Not a date.\n", error.ToString());
    }

    [Fact]
    public void Problems_WithoutJson_PrintTheStatusAndSomeOfTheBody()
    {
        using var error = new StringWriter();

        Problems.Write(error, new ApiException(502, "<html>Bad gateway</html>"));

        Assert.Equal("error: HTTP 502: <html>Bad gateway</html>\n", error.ToString());
    }
}
