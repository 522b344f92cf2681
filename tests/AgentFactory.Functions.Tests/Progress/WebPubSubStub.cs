using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using AgentFactory.Functions.Progress.WebPubSub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// A local stand-in for the Web PubSub data plane (Kestrel at 127.0.0.1) that checks what the service checks — the
/// <c>api-version</c> and the bearer JWT (HS256 with the access key, <c>aud</c> = the URL as sent without query,
/// <c>exp</c>), verified with Microsoft's token library, not ours — records each request, and answers 202 or, first,
/// what the test scripted (errors, 429/503 with Retry-After). A bad token gets 401 with an <c>ErrorDetail</c> body.
/// In identity mode (WebPubSubStub.Identity.cs) it serves https and wants the Entra token instead.
/// </summary>
public sealed partial class WebPubSubStub : IAsyncDisposable
{
    public const string AccessKey = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH";

    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public sealed record Seen(string Method, string Path, string Query, string? ContentType, string Body, string? Problem, TimeSpan At,
        string? Authorization = null);

    private WebPubSubStub(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public string ConnectionString => $"Endpoint={Endpoint.AbsoluteUri.TrimEnd('/')};AccessKey={AccessKey};Version=1.0;";

    public ConcurrentQueue<Seen> Requests { get; } = new();

    /// <summary>Answers given one per request, before the stub falls back to 202.</summary>
    public ConcurrentQueue<Action<HttpResponse>> Script { get; } = new();

    /// <param name="bearerToken">Identity mode: the Entra token the REST calls must carry (the stub then serves https).</param>
    public static async Task<WebPubSubStub> StartAsync(string? bearerToken = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        if (bearerToken is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            certificate = SelfSigned();
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.UseHttps(certificate)));
        }

        var stub = new WebPubSubStub(builder.Build()) { BearerToken = bearerToken, Certificate = certificate };
        stub._app.Run(stub.HandleAsync);
        await stub._app.StartAsync();
        stub.Endpoint = new Uri(stub._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return stub;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate?.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string body = await new StreamReader(request.Body).ReadToEndAsync();
        string? problem = BearerToken is null ? await CheckAsync(request) : CheckIdentity(request);
        Requests.Enqueue(new Seen(request.Method, RawPath(request), request.QueryString.Value ?? "", request.ContentType, body, problem, _clock.Elapsed,
            request.Headers.Authorization));
        if (problem is not null)
        {
            context.Response.StatusCode = 401;
            context.Response.Headers["x-ms-error-code"] = "Unauthorized";
            await context.Response.WriteAsJsonAsync(new { code = "Unauthorized", message = problem });
            return;
        }

        if (Script.TryDequeue(out Action<HttpResponse>? answer))
        {
            answer(context.Response);
            return;
        }

        if (request.Method == "POST" && RawPath(request).EndsWith("/:generateToken", StringComparison.Ordinal))
        {
            await AnswerGenerateTokenAsync(context);
            return;
        }

        context.Response.StatusCode = 202;
    }

    private static async Task<string?> CheckAsync(HttpRequest request)
    {
        if (request.Query["api-version"] != WebPubSubServiceClient.ApiVersion)
        {
            return "api-version must be " + WebPubSubServiceClient.ApiVersion;
        }

        string? authorization = request.Headers.Authorization;
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "no bearer token";
        }

        string audience = $"{request.Scheme}://{request.Host}{RawPath(request)}";
        TokenValidationResult result = await new JsonWebTokenHandler().ValidateTokenAsync(authorization[7..], new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AccessKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidAudience = audience,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.Zero,
        });
        return result.IsValid ? null : $"{result.Exception.Message} (wanted aud {audience}, got {string.Join(", ", new JsonWebToken(authorization[7..]).Audiences)})";
    }

    // The path as it was on the wire (the raw target, without its query).
    private static string RawPath(HttpRequest request) =>
        request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget.Split('?')[0];
}
