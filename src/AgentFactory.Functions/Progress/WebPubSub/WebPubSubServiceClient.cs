using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AgentFactory.Functions.Progress.WebPubSub;

/// <summary>Options of <see cref="WebPubSubServiceClient"/>: Azure.Core's retry, transport and diagnostics settings.</summary>
public sealed class WebPubSubServiceClientOptions : ClientOptions
{
}

/// <summary>
/// The Azure Web PubSub data-plane REST API (api-version 2024-01-01) for one hub, on Azure.Core's pipeline: retries
/// (429, 503 and the other transient answers, honouring <c>Retry-After</c>), a bearer token for each attempt — HS256
/// signed with the access key (<c>aud</c> = the request URL without query), or a Microsoft Entra token of the app's
/// identity (scope <see cref="WebPubSubIdentity.Scope"/>) — and <see cref="RequestFailedException"/> with the
/// service's error code for any other failure. Sends answer 202 (fire and forget: the service accepts them even when
/// nobody listens).
/// </summary>
public partial class WebPubSubServiceClient
{
    public const string ApiVersion = "2024-01-01";

    private static readonly RequestFailedDetailsParser ErrorParser = new WebPubSubErrorParser();

    private readonly HttpPipeline _pipeline;
    private readonly string? _accessKey;
    private readonly TimeProvider _time;

    /// <summary>With the access key: REST tokens and clients' tokens are signed here.</summary>
    public WebPubSubServiceClient(WebPubSubConnectionString connection, string hub, WebPubSubServiceClientOptions? options = null, TimeProvider? time = null)
        : this(connection.Endpoint, hub, options, time, new AccessKeyPolicy(connection.AccessKey, time ?? TimeProvider.System))
    {
        _accessKey = connection.AccessKey;
    }

    /// <summary>
    /// With an identity (the service needs <c>disableLocalAuth</c> or not, and the identity a data-plane role such as
    /// Web PubSub Service Owner): Entra tokens on REST calls, clients' tokens from <c>:generateToken</c>. Azure.Core's
    /// bearer policy sends tokens over https only.
    /// </summary>
    public WebPubSubServiceClient(Uri endpoint, TokenCredential credential, string hub, WebPubSubServiceClientOptions? options = null, TimeProvider? time = null)
        : this(endpoint, hub, options, time, new BearerTokenAuthenticationPolicy(credential, WebPubSubIdentity.Scope))
    {
    }

    private WebPubSubServiceClient(Uri endpoint, string hub, WebPubSubServiceClientOptions? options, TimeProvider? time, HttpPipelinePolicy authentication)
    {
        if (!IsValidHub(hub))
        {
            throw new ArgumentException("A hub name starts with a letter and holds at most 128 letters, digits and _`,.[] characters.", nameof(hub));
        }

        Endpoint = endpoint;
        _time = time ?? TimeProvider.System;
        Hub = hub;
        options ??= new WebPubSubServiceClientOptions();
        _pipeline = HttpPipelineBuilder.Build(new HttpPipelineOptions(options)
        {
            PerRetryPolicies = { authentication },
            RequestFailedDetailsParser = ErrorParser,
        });
    }

    /// <summary>For mocking.</summary>
    protected WebPubSubServiceClient()
    {
        _pipeline = null!;
        _time = TimeProvider.System;
        Endpoint = null!;
        Hub = "";
    }

    public string Hub { get; }

    public Uri Endpoint { get; }

    /// <summary>True when the app signs in with an identity (clients' tokens then come from the service).</summary>
    public bool UsesIdentity => _accessKey is null;

    /// <summary>Hub names as the service takes them.</summary>
    public static bool IsValidHub(string? hub) => hub is not null && HubPattern().IsMatch(hub);

    /// <summary><c>POST /api/hubs/{hub}/:send</c>, to every connection of the hub except <paramref name="excluded"/>.</summary>
    public virtual Task<Response> SendToAllAsync(BinaryData content, ContentType contentType, IEnumerable<string>? excluded = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(["/:send"], content, contentType, excluded, cancellationToken);

    /// <summary><c>POST /api/hubs/{hub}/groups/{group}/:send</c>.</summary>
    public virtual Task<Response> SendToGroupAsync(string group, BinaryData content, ContentType contentType, IEnumerable<string>? excluded = null,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(group) || group.Length > 1024)
        {
            throw new ArgumentException("A group name is 1–1024 characters, not only white space.", nameof(group));
        }

        return SendAsync(["/groups/", group, "/:send"], content, contentType, excluded, cancellationToken);
    }

    /// <summary><c>POST /api/hubs/{hub}/users/{userId}/:send</c>.</summary>
    public virtual Task<Response> SendToUserAsync(string userId, BinaryData content, ContentType contentType, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return SendAsync(["/users/", userId, "/:send"], content, contentType, null, cancellationToken);
    }

    /// <summary>
    /// The URL a client connects to: <c>wss://host/client/hubs/{hub}?access_token=…</c>, the token signed here with the
    /// access key (as the SDKs do, no call to the service) with <c>aud</c> = <c>https://host/client/hubs/{hub}</c>.
    /// </summary>
    public virtual Uri GetClientAccessUri(string? userId, IEnumerable<string> roles, IEnumerable<string> groups, TimeSpan lifetime) =>
        ClientAccess.Url(Endpoint, Hub, WebPubSubToken.ForClient(
            _accessKey ?? throw new InvalidOperationException("Without an access key the service issues clients' tokens: use GetClientAccessUriAsync."),
            ClientAccess.Audience(Endpoint, Hub), _time.GetUtcNow(), lifetime, userId, roles, groups));

    /// <summary>
    /// The client URL, its token signed here with the access key, or — with an identity — issued by the service:
    /// <c>POST /api/hubs/{hub}/:generateToken?userId=&amp;role=…&amp;group=…&amp;minutesToExpire=</c> → 200
    /// <c>{"token":"…"}</c> (the lifetime rounded up to whole minutes). A refusal is a <see cref="RequestFailedException"/>.
    /// </summary>
    public virtual async Task<Uri> GetClientAccessUriAsync(string? userId, IEnumerable<string> roles, IEnumerable<string> groups, TimeSpan lifetime,
        CancellationToken cancellationToken = default)
    {
        if (_accessKey is not null)
        {
            return GetClientAccessUri(userId, roles, groups, lifetime);
        }

        using HttpMessage message = HubPost(["/:generateToken"]);
        Request request = message.Request;
        if (userId is not null)
        {
            request.Uri.AppendQuery("userId", userId, true);
        }

        foreach (string role in roles)
        {
            request.Uri.AppendQuery("role", role, true);
        }

        foreach (string group in groups)
        {
            request.Uri.AppendQuery("group", group, true);
        }

        int minutes = (int)Math.Clamp(Math.Ceiling(lifetime.TotalMinutes), 1, int.MaxValue);
        request.Uri.AppendQuery("minutesToExpire", minutes.ToString(System.Globalization.CultureInfo.InvariantCulture), true);
        message.ResponseClassifier = Ok;
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        Response response = message.Response;
        if (response.Status != 200)
        {
            throw new RequestFailedException(response, null, ErrorParser);
        }

        string? token = null;
        try
        {
            using JsonDocument body = JsonDocument.Parse(response.Content);
            token = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("token", out JsonElement t)
                && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException)
        {
        }

        return string.IsNullOrEmpty(token)
            ? throw new RequestFailedException(response.Status, "Web PubSub answered :generateToken without a token.", "NoToken", null)
            : ClientAccess.Url(Endpoint, Hub, token);
    }

    /// <summary>A <c>POST /api/hubs/{hub}{path}?api-version=</c> message.</summary>
    private HttpMessage HubPost(string[] pathAfterHub)
    {
        HttpMessage message = _pipeline.CreateMessage();
        Request request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath("/api/hubs/", escape: false);
        request.Uri.AppendPath(Hub, escape: true);
        for (int i = 0; i < pathAfterHub.Length; i++)
        {
            // Odd parts are names (group, user): escaped; even parts are the API's own segments.
            request.Uri.AppendPath(pathAfterHub[i], escape: i % 2 == 1);
        }

        request.Uri.AppendQuery("api-version", ApiVersion, true);
        return message;
    }

    private async Task<Response> SendAsync(string[] pathAfterHub, BinaryData content, ContentType contentType, IEnumerable<string>? excluded,
        CancellationToken cancellationToken)
    {
        using HttpMessage message = HubPost(pathAfterHub);
        Request request = message.Request;
        foreach (string id in excluded ?? [])
        {
            request.Uri.AppendQuery("excluded", id, true);
        }

        request.Headers.Add(HttpHeader.Names.ContentType, contentType.ToString());
        request.Content = RequestContent.Create(content);
        message.ResponseClassifier = Accepted;
        await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return message.Response.Status == 202 ? message.Response : throw new RequestFailedException(message.Response, null, ErrorParser);
    }

    private static readonly StatusCodeClassifier Accepted = new([202]);
    private static readonly StatusCodeClassifier Ok = new([200]);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_`,.\[\]]{0,127}$")]
    private static partial Regex HubPattern();

    /// <summary>Signs each attempt: the token's <c>aud</c> is the URL being called.</summary>
    private sealed class AccessKeyPolicy(string accessKey, TimeProvider time) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            // From the builder's own parts: System.Uri would re-encode the path (e.g. an escaped '/' in a group name).
            RequestUriBuilder uri = message.Request.Uri;
            bool defaultPort = uri.Port == -1 || (uri.Scheme == "https" && uri.Port == 443) || (uri.Scheme == "http" && uri.Port == 80);
            string audience = $"{uri.Scheme}://{uri.Host}{(defaultPort ? "" : ":" + uri.Port)}{uri.Path}".TrimEnd('/');
            message.Request.Headers.SetValue(HttpHeader.Names.Authorization, "Bearer " + WebPubSubToken.ForRequest(accessKey, audience, time.GetUtcNow()));
        }
    }

    /// <summary>The service's <c>ErrorDetail {code, message}</c> body, or its <c>x-ms-error-code</c> header.</summary>
    private sealed class WebPubSubErrorParser : RequestFailedDetailsParser
    {
        public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
        {
            data = null;
            string? code = response.Headers.TryGetValue("x-ms-error-code", out string? header) ? header : null;
            string? text = null;
            try
            {
                if (response.Content?.ToMemory().Length > 0)
                {
                    using JsonDocument body = JsonDocument.Parse(response.Content);
                    JsonElement root = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("error", out JsonElement inner)
                        ? inner : body.RootElement;
                    if (root.ValueKind == JsonValueKind.Object)
                    {
                        code ??= root.TryGetProperty("code", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                        text = root.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's page): the status and the header say enough.
            }

            error = code is null && text is null ? null : new ResponseError(code, text);
            return error is not null;
        }
    }
}

/// <summary>The client URL and the audience of its token, for Azure and for the local hub alike.</summary>
public static class ClientAccess
{
    /// <summary><c>https://host/client/hubs/{hub}</c> (http for an http endpoint): what a client token's <c>aud</c> names.</summary>
    public static string Audience(Uri endpoint, string hub) =>
        $"{endpoint.GetLeftPart(UriPartial.Authority)}{endpoint.AbsolutePath.TrimEnd('/')}/client/hubs/{Uri.EscapeDataString(hub)}";

    /// <summary><c>wss://host/client/hubs/{hub}?access_token=…</c> (ws for an http endpoint).</summary>
    public static Uri Url(Uri endpoint, string hub, string token)
    {
        var builder = new UriBuilder(Audience(endpoint, hub)) { Query = "access_token=" + Uri.EscapeDataString(token) };
        builder.Scheme = endpoint.Scheme == "https" ? "wss" : "ws";
        return builder.Uri;
    }
}
