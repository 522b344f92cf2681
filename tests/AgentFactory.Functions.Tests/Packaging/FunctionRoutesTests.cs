using System.Net;
using AgentFactory.Functions.Apis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Functions.Tests.Packaging;

/// <summary>The committed functions/ folders against the real app's routes: the guard that keeps them in step.</summary>
public sealed class FunctionRoutesTests(PackagedApp app) : IClassFixture<PackagedApp>
{
    private static readonly string FunctionsDirectory = Path.Combine(FunctionsLayout.RepositoryRoot(), "functions");

    [Fact]
    public void FunctionFolders_MatchTheAppsRoutesMethodsAndAuthLevel()
    {
        (List<HttpFunction> expected, _, List<string> routeProblems) = FunctionsLayout.FromEndpoints(app.Services.GetServices<EndpointDataSource>());
        Assert.Empty(routeProblems);
        if (Environment.GetEnvironmentVariable("AGENTFACTORY_WRITE_FUNCTIONS") == "1")
        {
            FunctionsLayout.Write(FunctionsDirectory, expected);
        }

        (List<HttpFunction> committed, List<string> folderProblems) = FunctionsLayout.FromFolder(FunctionsDirectory);

        Assert.Empty(folderProblems);
        List<string> differences = FunctionsLayout.Differences(expected, committed);
        Assert.True(differences.Count == 0, "functions/ is out of step with the app (regenerate: AGENTFACTORY_WRITE_FUNCTIONS=1 dotnet test --filter Packaging):\n"
            + string.Join("\n", differences));
        Assert.Equal(expected.Count, committed.Count);
    }

    [Fact]
    public void Routes_LeftOutOfTheFunctions_AreReadinessReservedRuntimeOrWebSockets()
    {
        (List<HttpFunction> functions, List<string> leftOut, _) = FunctionsLayout.FromEndpoints(app.Services.GetServices<EndpointDataSource>());

        Assert.Contains(leftOut, l => l.Contains(" /: ", StringComparison.Ordinal));
        // Every management route under the host's reserved /runtime/ has its twin below the prefix, with the same methods.
        var runtime = leftOut.Where(l => l.Contains(DurableHttpResponses.BasePath, StringComparison.Ordinal)).ToList();
        Assert.Equal(11, runtime.Count);
        foreach (string line in runtime)
        {
            string methods = line[..line.IndexOf(' ', StringComparison.Ordinal)].ToLowerInvariant();
            string twin = line[(line.IndexOf(DurableHttpResponses.BasePath, StringComparison.Ordinal) + DurableHttpResponses.BasePath.Length)..line.IndexOf(": ", StringComparison.Ordinal)];
            Assert.Contains(functions, f => f.Route == "durabletask" + twin && string.Join(',', f.Methods) == methods);
        }

        Assert.DoesNotContain(functions, f => f.Route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase) || f.Route.StartsWith("admin", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(functions, f => f.Route.StartsWith("ws/", StringComparison.Ordinal) || f.Route.StartsWith("client/", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadinessProbe_Root_AnswersWithoutCredentials()
    {
        using HttpClient client = app.CreateClient();

        using HttpResponseMessage response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task DurableTaskApi_BelowTheRoutePrefix_IsTheSameProtectedApi()
    {
        using HttpClient anonymous = app.CreateClient();

        using HttpResponseMessage response = await anonymous.GetAsync(new Uri(DurableHttpResponses.FunctionsBasePath + "/instances", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(null, "http://h/runtime/webhooks/durabletask/instances/abc")]
    [InlineData("7200", "http://h/api/durabletask/instances/abc")]
    public void ManagementLinks_UnderTheFunctionsHost_PointBelowTheRoutePrefix(string? customHandlerPort, string expected)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection([new("FUNCTIONS_CUSTOMHANDLER_PORT", customHandlerPort)]).Build())
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("h");

        Assert.Equal(expected, DurableHttpResponses.CreateHttpManagementPayload(context.Request, "abc").StatusQueryGetUri);
    }
}
