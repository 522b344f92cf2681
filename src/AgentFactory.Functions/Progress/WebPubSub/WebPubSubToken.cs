using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFactory.Functions.Progress.WebPubSub;

/// <summary>What a client token grants (claims <c>sub</c>, <c>role</c>, <c>webpubsub.group</c>).</summary>
public sealed record ClientTokenClaims(string? UserId, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, DateTimeOffset ExpiresAt);

/// <summary>
/// The HS256 JSON Web Tokens of Web PubSub, signed with the access key (its UTF-8 bytes, as the Azure SDKs do):
/// REST bearer tokens (<c>aud</c> = the request URL without query, <c>exp</c>) and client tokens (<c>aud</c> =
/// <c>https://host/client/hubs/{hub}</c>, <c>iat</c>, <c>exp</c>, <c>sub</c>, <c>role</c>[], <c>webpubsub.group</c>[]).
/// </summary>
public static class WebPubSubToken
{
    public const string RoleClaim = "role";
    public const string GroupClaim = "webpubsub.group";

    /// <summary>Clocks of the signer and the checker may differ this much.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private static readonly string Header = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);

    /// <summary>A REST bearer token for a request to <paramref name="audience"/>.</summary>
    public static string ForRequest(string accessKey, string audience, DateTimeOffset now, TimeSpan? lifetime = null) =>
        Sign(accessKey, new JsonObject
        {
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (lifetime ?? TimeSpan.FromMinutes(5))).ToUnixTimeSeconds(),
        });

    /// <summary>A client token for the hub at <paramref name="audience"/>.</summary>
    public static string ForClient(string accessKey, string audience, DateTimeOffset now, TimeSpan lifetime, string? userId,
        IEnumerable<string> roles, IEnumerable<string> groups)
    {
        var payload = new JsonObject
        {
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + lifetime).ToUnixTimeSeconds(),
        };
        if (userId is not null)
        {
            payload["sub"] = userId;
        }

        payload[RoleClaim] = new JsonArray([.. roles.Select(r => (JsonNode?)JsonValue.Create(r))]);
        payload[GroupClaim] = new JsonArray([.. groups.Select(g => (JsonNode?)JsonValue.Create(g))]);
        return Sign(accessKey, payload);
    }

    /// <summary>
    /// Checks <paramref name="token"/>: HS256 signed with <paramref name="accessKey"/>, <c>aud</c> equal to
    /// <paramref name="audience"/> (case-insensitive, without trailing slash), not expired. Null with the reason when not.
    /// </summary>
    public static ClientTokenClaims? Validate(string accessKey, string? token, string audience, DateTimeOffset now, out string? problem)
    {
        problem = null;
        string[] parts = token?.Split('.') ?? [];
        if (parts.Length != 3)
        {
            problem = "The access token is not a JWT.";
            return null;
        }

        JsonObject? header, payload;
        try
        {
            header = JsonNode.Parse(FromBase64Url(parts[0])) as JsonObject;
            payload = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            problem = "The access token is not a JWT.";
            return null;
        }

        if (header?["alg"]?.GetValueKind() != JsonValueKind.String || (string?)header["alg"] != "HS256" || payload is null)
        {
            problem = "The access token must be signed with HS256.";
            return null;
        }

        byte[] expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        byte[] actual;
        try
        {
            actual = FromBase64Url(parts[2]);
        }
        catch (FormatException)
        {
            problem = "The access token's signature is not valid.";
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            problem = "The access token's signature is not valid.";
            return null;
        }

        if (Strings(payload["aud"]).All(a => !string.Equals(a.TrimEnd('/'), audience.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)))
        {
            problem = "The access token is for another audience.";
            return null;
        }

        if (payload["exp"] is not JsonValue exp || !exp.TryGetValue(out long expSeconds))
        {
            problem = "The access token has no expiry.";
            return null;
        }

        DateTimeOffset expires = DateTimeOffset.FromUnixTimeSeconds(expSeconds);
        if (expires + ClockSkew < now)
        {
            problem = "The access token has expired.";
            return null;
        }

        if (payload["nbf"] is JsonValue nbf && nbf.TryGetValue(out long nbfSeconds) && DateTimeOffset.FromUnixTimeSeconds(nbfSeconds) - ClockSkew > now)
        {
            problem = "The access token is not valid yet.";
            return null;
        }

        return new ClientTokenClaims(payload["sub"] is JsonValue sub && sub.TryGetValue(out string? user) ? user : null,
            [.. Strings(payload[RoleClaim])], [.. Strings(payload[GroupClaim])], expires);
    }

    private static string Sign(string accessKey, JsonObject payload)
    {
        string body = Header + "." + Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        return body + "." + Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(body)));
    }

    // A claim may be one string or an array of them (token libraries write a single value either way).
    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonArray array => array.OfType<JsonValue>().Select(v => v.TryGetValue(out string? s) ? s : null).OfType<string>(),
        JsonValue value when value.TryGetValue(out string? s) => [s],
        _ => [],
    };

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        string s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
