using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AgentFactory.Functions.Progress.WebPubSub;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Http;

namespace AgentFactory.Functions.Tests.Progress;

/// <summary>
/// Identity mode of the stub: REST calls must carry exactly the Entra token the test's credential hands out (an
/// HS256 key token is refused), over https (Azure.Core's bearer policy sends tokens over TLS only); and
/// <c>:generateToken</c> answers 200 <c>{"token"}</c> with a client token as the service issues it — signed with the
/// service's own key, <see cref="WebPubSubStub.AccessKey"/>, so a test can check it as a connecting client's would be.
/// </summary>
public sealed partial class WebPubSubStub
{
    /// <summary>Identity mode: the only bearer token accepted.</summary>
    public string? BearerToken { get; private init; }

    /// <summary>Identity mode: the stub's self-signed certificate (<see cref="ClientOptions"/> trusts exactly it).</summary>
    public X509Certificate2? Certificate { get; private init; }

    /// <summary>Client options whose transport trusts exactly the stub's certificate, with quick retries.</summary>
    public WebPubSubServiceClientOptions ClientOptions()
    {
        var options = new WebPubSubServiceClientOptions();
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxRetries = 3;
        if (Certificate is { } certificate)
        {
            options.Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
            });
        }

        return options;
    }

    private string? CheckIdentity(HttpRequest request)
    {
        if (request.Query["api-version"] != WebPubSubServiceClient.ApiVersion)
        {
            return "api-version must be " + WebPubSubServiceClient.ApiVersion;
        }

        return request.Headers.Authorization == "Bearer " + BearerToken ? null : "the bearer token is not the identity's Entra token";
    }

    private static async Task AnswerGenerateTokenAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        string path = RawPath(request);
        string hub = Uri.UnescapeDataString(path["/api/hubs/".Length..^"/:generateToken".Length]);
        string? minutes = request.Query["minutesToExpire"];
        if (minutes is not null && (!int.TryParse(minutes, out int m) || m < 1))
        {
            context.Response.StatusCode = 400;
            context.Response.Headers["x-ms-error-code"] = "InvalidRequest";
            await context.Response.WriteAsJsonAsync(new { code = "InvalidRequest", message = "minutesToExpire must be at least 1." });
            return;
        }

        string audience = ClientAccess.Audience(new Uri($"{request.Scheme}://{request.Host}"), hub);
        string token = WebPubSubToken.ForClient(AccessKey, audience, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(minutes is null ? 60 : int.Parse(minutes)),
            request.Query["userId"].FirstOrDefault(), request.Query["role"].OfType<string>(), request.Query["group"].OfType<string>());
        context.Response.StatusCode = 200;
        await context.Response.WriteAsJsonAsync(new { token });
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the key in a form SslStream can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}

/// <summary>A credential that hands out one known token and records the scopes it was asked for.</summary>
public sealed class RecordingTokenCredential(string token) : TokenCredential
{
    public System.Collections.Concurrent.ConcurrentQueue<string[]> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Scopes.Enqueue(requestContext.Scopes);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
