using System.Net;
using AgentFactory.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.Packaging;

/// <summary>Behind the Functions host the public scheme and host come as X-Forwarded-* from loopback; elsewhere they are ignored.</summary>
public sealed class ForwardedHeadersTests
{
    [Theory(Timeout = 30_000)]
    [InlineData("7071", "https://factory.example.com")]
    [InlineData(null, "http://127.0.0.1")]
    public async Task UseFunctionsHostForwardedHeaders_OnlyUnderTheHost_TakesTheForwardedSchemeAndHost(string? customHandlerPort, string expected)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection([new("FUNCTIONS_CUSTOMHANDLER_PORT", customHandlerPort)]);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using WebApplication app = builder.Build();
        app.UseFunctionsHostForwardedHeaders(app.Configuration);
        app.MapGet("/where", (HttpRequest request) => $"{request.Scheme}://{request.Host.Host}");
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/where");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "factory.example.com");

        using HttpResponseMessage response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }
}
