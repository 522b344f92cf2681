using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Function keys as Azure Functions reads them: the <c>x-functions-key</c> header, else the <c>code</c> query parameter.
/// A known key signs the caller in with its tenant and role; an unknown one fails (401); none leaves the caller anonymous.
/// </summary>
public sealed class FunctionKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ApiKeyStore keys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "FunctionKey";

    /// <summary>The header that carries the key.</summary>
    public const string HeaderName = "x-functions-key";

    /// <summary>The query parameter that carries the key when the header is absent.</summary>
    public const string QueryName = "code";

    /// <summary>The failure message of an unknown key (never the key itself).</summary>
    public const string InvalidKeyMessage = "The function key is not valid.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[HeaderName].FirstOrDefault(v => !string.IsNullOrEmpty(v))
            ?? Request.Query[QueryName].FirstOrDefault(v => !string.IsNullOrEmpty(v));
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        ApiKeyRecord? found = await keys.FindAsync(key, Context.RequestAborted);
        if (found is null)
        {
            return AuthenticateResult.Fail(InvalidKeyMessage);
        }

        // The hash's first 12 digits name the key in audit records without revealing anything usable.
        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, "key:" + found.Hash[..12]),
            new Claim(ClaimTypes.Role, found.Role),
            new Claim(FactoryClaims.Tenant, found.Tenant),
        ], SchemeName);
        if (found.Name is { Length: > 0 } name)
        {
            identity.AddClaim(new Claim(ClaimTypes.Name, name));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
