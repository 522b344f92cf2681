using System.Globalization;
using Microsoft.AspNetCore.HttpOverrides;

namespace AgentFactory.Functions.Hosting;

/// <summary>Where and how the app listens.</summary>
public static class FactoryHost
{
    /// <summary>The largest request body the app reads (larger ones get 413).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>Where the app listens when nothing says otherwise: the port of <c>func start</c>.</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>
    /// Listens on <c>127.0.0.1:FUNCTIONS_CUSTOMHANDLER_PORT</c> when the Functions host started the app (it forwards
    /// requests there), else on the configured URLs (<c>ASPNETCORE_URLS</c>, <c>--urls</c>), else on <see cref="DefaultUrl"/>.
    /// </summary>
    public static IWebHostBuilder UseFactoryUrls(this IWebHostBuilder webHost, IConfiguration configuration)
    {
        if (configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            {
                throw new InvalidOperationException($"FUNCTIONS_CUSTOMHANDLER_PORT '{text}' is not a TCP port (1-65535).");
            }

            return webHost.UseUrls($"http://127.0.0.1:{port}");
        }

        return string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]) ? webHost.UseUrls(DefaultUrl) : webHost;
    }

    /// <summary>
    /// Behind the Functions host (FUNCTIONS_CUSTOMHANDLER_PORT set) every request reaches the app from the host on
    /// 127.0.0.1 over plain HTTP; the scheme and host the caller used arrive as <c>X-Forwarded-Proto</c> and
    /// <c>X-Forwarded-Host</c>. Honouring them (from loopback only, the middleware's default) makes the links the app
    /// returns — Durable management URIs — name the public https address. Elsewhere the headers are ignored.
    /// </summary>
    public static IApplicationBuilder UseFunctionsHostForwardedHeaders(this IApplicationBuilder app, IConfiguration configuration)
    {
        if (configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is { Length: > 0 })
        {
            app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost });
        }

        return app;
    }
}
