using System.Net;
using System.Net.Sockets;
using AgentFactory.Functions.Tests.EndToEnd;

namespace AgentFactory.Cli.Tests;

/// <summary>Exit codes a script can rely on, and the key never appearing in what the tool prints.</summary>
[Collection(CliCollection.Name)]
public sealed class ErrorsTests(WizardApp app)
{
    [Fact]
    public async Task WrongKey_Is401_ExitsAuth_WithoutPrintingTheKey()
    {
        const string wrongKey = "not-a-key-7f3a9c1e2b";

        CliRun run = await CliHost.RunAsync(app, wrongKey, "templates", "list");

        Assert.Equal(ExitCodes.Auth, run.ExitCode);
        Assert.Contains("(HTTP 401)", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortalKey_OnTheManagementApi_Is403_ExitsAuth()
    {
        (_, string key) = await CliHost.NewTenantAsync(app, role: "portal");

        CliRun run = await CliHost.RunAsync(app, key, "instances", "list");

        Assert.Equal(ExitCodes.Auth, run.ExitCode);
        Assert.Contains("(HTTP 403)", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, run.Out + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownDeploymentAndInstance_Are404_ExitNotFound()
    {
        (_, string key) = await CliHost.NewTenantAsync(app);

        CliRun deployment = await CliHost.RunAsync(app, key, "agents", "status", "dep-does-not-exist");
        CliRun instance = await CliHost.RunAsync(app, key, "instances", "show", "no-such-instance");

        Assert.Equal(ExitCodes.NotFound, deployment.ExitCode);
        Assert.Contains("error: Deployment not found (HTTP 404)", deployment.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.NotFound, instance.ExitCode);
        Assert.Contains("No orchestration instance with id 'no-such-instance' exists.", instance.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("instances", "frobnicate", "x")]
    [InlineData("instances", "list", "--colour", "red")]
    [InlineData("instances", "list", "--top", "0")]
    [InlineData("instances", "show")]
    [InlineData("agents", "create", "--template", "tmpl-blank")]
    [InlineData("agents", "create", "--config", "/nonexistent/config.json")]
    [InlineData("instances", "purge")]
    [InlineData("instances", "raise", "id", "Go", "--data", "{not json")]
    public async Task BadCommandLines_ExitUsage_BeforeAnyRequest(params string[] args)
    {
        CliRun run = await CliHost.RunAsync(app, "unused-key", args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public async Task NoKey_ExitsUsage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await CliApp.RunAsync(["templates", "list"], output, error, _ => null);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("AGENTFACTORY_KEY", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyAHeaderCannotCarry_ExitsUsage_WithoutEchoingIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await CliApp.RunAsync(["templates", "list"], output, error, name => name == "AGENTFACTORY_KEY" ? "secret-part\nsecond" : null);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.DoesNotContain("secret-part", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherServer_AnsweringHtml_ExitsServer()
    {
        // --url pointing at some web server that answers 200 with a page, not the API's JSON.
        using var handler = new FixedAnswer("<html>Welcome</html>");
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await CliApp.RunAsync(["templates", "list", "--url", "http://example.invalid", "--key", "k"], output, error, _ => null, handler);

        Assert.Equal(ExitCodes.Server, code);
        Assert.StartsWith("error: the answer is not what the Agent Factory API sends", error.ToString(), StringComparison.Ordinal);
    }

    private sealed class FixedAnswer(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });
    }

    [Fact]
    public async Task NothingListening_ExitsServer()
    {
        // A port that was free a moment ago: connecting is refused.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await CliApp.RunAsync(["templates", "list", "--url", $"http://127.0.0.1:{port}", "--key", "k"], output, error, _ => null);

        Assert.Equal(ExitCodes.Server, code);
        Assert.StartsWith("error: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_PrintsEveryCommand_ExitsZero()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        int code = await CliApp.RunAsync(["--help"], output, error, _ => null);

        Assert.Equal(ExitCodes.Success, code);
        foreach (string command in new[] { "templates list", "agents create", "agents status", "instances list", "instances show", "instances history",
            "instances raise", "instances suspend|resume|terminate", "instances restart", "instances purge" })
        {
            Assert.Contains(command, output.ToString(), StringComparison.Ordinal);
        }
    }
}
