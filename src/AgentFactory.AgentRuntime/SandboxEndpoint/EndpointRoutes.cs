using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.SandboxEndpoint;

/// <summary>The routes of the <see cref="SandboxHttpEndpoint"/>: each returns a status and a JSON body.</summary>
internal sealed class EndpointRoutes(string? expectedCredential)
{
    private const int MaxDelayMs = 60_000;
    private static readonly string[] ApiKeyHeaders = ["X-Api-Key", "Api-Key", "X-Api-Token"];

    public async Task<(int Status, object? Body)> HandleAsync(HttpListenerRequest request, CancellationToken cancellationToken)
    {
        var segments = request.Url!.AbsolutePath.Trim('/').Split('/');
        switch (segments)
        {
            case ["status", var code] when int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 200 and <= 599:
                return (status, new { status });
            case ["delay", var ms] when int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var delay) && delay <= MaxDelayMs:
                await Task.Delay(delay, cancellationToken);
                return (200, new { delayedMs = delay });
            case ["echo"]:
                return (200, await EchoAsync(request, cancellationToken));
            case ["auth", "check"]:
                return AuthCheck(request);
            case ["json", "users", "42"]:
                return (200, new { id = 42, name = "Ada Lovelace", address = new { city = "London" } });
            case ["json", "users", _]:
                return (404, new { error = "no such user" });
            default:
                return (404, new { error = "no such route" });
        }
    }

    private static async Task<object> EchoAsync(HttpListenerRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.InputStream, request.ContentEncoding);
        var text = await reader.ReadToEndAsync(cancellationToken);
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON: reported as text below.
            }
        }

        var query = request.QueryString.AllKeys.OfType<string>().ToDictionary(key => key, key => request.QueryString[key], StringComparer.Ordinal);
        return new { method = request.HttpMethod, path = request.Url!.AbsolutePath, query, json, text = json is null && text.Length > 0 ? text : null };
    }

    private (int, object) AuthCheck(HttpListenerRequest request)
    {
        string? scheme = null;
        string? credential = null;
        if (request.Headers["Authorization"] is { Length: > 0 } authorization)
        {
            var parts = authorization.Split(' ', 2, StringSplitOptions.TrimEntries);
            scheme = parts[0];
            credential = parts.Length == 2 ? parts[1] : null;
            if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && credential is not null)
            {
                credential = DecodeBasic(credential);
            }
        }
        else if (ApiKeyHeaders.Select(name => request.Headers[name]).FirstOrDefault(value => !string.IsNullOrEmpty(value)) is { } key)
        {
            (scheme, credential) = ("ApiKey", key);
        }

        var present = !string.IsNullOrEmpty(credential);
        bool? matches = expectedCredential is null ? null : present && FixedTimeEquals(credential!, expectedCredential);
        return (present ? 200 : 401, new { scheme, credentialPresent = present, credentialMatches = matches });
    }

    private static string? DecodeBasic(string value)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(value));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
