using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Entra ID bearer tokens: checked against the configured issuer, audience and signing keys (no metadata download),
/// then turned into the factory's claims — a <see cref="ClaimTypes.Role"/> for each known value of <c>roles</c> (app
/// roles) and <see cref="FactoryClaims.Tenant"/> from <c>tid</c>.
/// </summary>
internal static class EntraTokens
{
    public const string NotConfiguredMessage = "Entra ID tokens are not accepted here: AgentFactory:Auth:Entra is not configured.";

    public static void Configure(JwtBearerOptions jwt, EntraOptions entra)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = entra.Issuer,
            ValidAudience = entra.Audience,
            IssuerSigningKeys = [.. entra.SigningKeys.Select(text => EntraSigningKeys.TryParse(text, out SecurityKey? key, out _) ? key : null).OfType<SecurityKey>()],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateIssuerSigningKey = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromMinutes(2),
        };
        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (!entra.IsConfigured)
                {
                    context.Fail(NotConfiguredMessage);
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                ClaimsPrincipal token = context.Principal!;
                if (token.FindFirst("tid")?.Value is not { Length: > 0 } tenant)
                {
                    context.Fail("The bearer token has no tid (tenant) claim.");
                    return Task.CompletedTask;
                }

                var identity = new ClaimsIdentity(JwtBearerDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
                identity.AddClaim(new Claim(FactoryClaims.Tenant, tenant));
                foreach (string role in token.FindAll("roles").Select(c => c.Value).Where(FactoryRoles.IsKnown).Distinct())
                {
                    identity.AddClaim(new Claim(ClaimTypes.Role, role));
                }

                if ((token.FindFirst("oid") ?? token.FindFirst("sub"))?.Value is { Length: > 0 } subject)
                {
                    identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, subject));
                }

                if ((token.FindFirst("preferred_username") ?? token.FindFirst("name"))?.Value is { Length: > 0 } name)
                {
                    identity.AddClaim(new Claim(ClaimTypes.Name, name));
                }

                context.Principal = new ClaimsPrincipal(identity);
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>Why a token was refused, in words a caller can act on (the validator's own messages are for logs).</summary>
    public static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "The bearer token has expired.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The bearer token is for another audience.",
        SecurityTokenInvalidIssuerException => "The bearer token comes from an issuer this factory does not trust.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The bearer token's signature is not valid.",
        SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
        SecurityTokenException => "The bearer token was not accepted.",
        _ => failure.Message,
    };
}
