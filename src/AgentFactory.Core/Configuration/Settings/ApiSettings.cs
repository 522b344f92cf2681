using System.Text.Json.Serialization;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Configuration.Settings;

/// <summary>How an API agent authenticates to the external API.</summary>
public enum ApiAuthScheme
{
    /// <summary>No authentication.</summary>
    None,
    /// <summary>A key in a request header (<see cref="ApiAuth.HeaderName"/>).</summary>
    ApiKey,
    /// <summary><c>Authorization: Bearer &lt;secret&gt;</c>.</summary>
    Bearer,
    /// <summary><c>Authorization: Basic &lt;secret&gt;</c>, the secret holding <c>user:password</c>.</summary>
    Basic,
}

/// <summary>Authentication of an API agent; the credential itself lives in a secret environment variable.</summary>
public sealed record ApiAuth
{
    /// <summary>The scheme.</summary>
    public required ApiAuthScheme Scheme { get; init; }

    /// <summary>Name of the environment variable (declared secret in advanced settings) that holds the credential.</summary>
    public string? SecretName { get; init; }

    /// <summary>The header carrying the key for <see cref="ApiAuthScheme.ApiKey"/> (default <c>X-Api-Key</c>).</summary>
    public string? HeaderName { get; init; }
}

/// <summary>Settings of an API agent (calls one configured HTTP API).</summary>
public sealed record ApiSettings : TemplateSettings
{
    /// <summary>Largest allowed <see cref="TimeoutSeconds"/>.</summary>
    public const int MaxTimeoutSeconds = 300;
    /// <summary>Largest allowed <see cref="RateLimitPerSecond"/>.</summary>
    public const double MaxRateLimitPerSecond = 1000;

    /// <inheritdoc/>
    [JsonIgnore] // the "kind" discriminator already says it
    public override TemplateCategory Category => TemplateCategory.Api;

    /// <summary>Absolute http(s) URL that request paths are relative to.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>Authentication.</summary>
    public required ApiAuth Auth { get; init; }

    /// <summary>Per-request timeout (1–300 s).</summary>
    public required int TimeoutSeconds { get; init; }

    /// <summary>Outbound token-bucket rate (requests per second, 0 &lt; r ≤ 1000; bucket size max(1, rate)).</summary>
    public required double RateLimitPerSecond { get; init; }
}
