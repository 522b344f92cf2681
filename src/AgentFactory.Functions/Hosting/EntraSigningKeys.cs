using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AgentFactory.Functions.Hosting;

/// <summary>Reads the configured Entra ID signing keys: PEM public keys (RSA or EC) or JSON Web Keys (an entry of the issuer's JWKS).</summary>
internal static class EntraSigningKeys
{
    public static bool TryParse(string text, [NotNullWhen(true)] out SecurityKey? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        problem = null;
        text = text.Trim();
        try
        {
            if (text.StartsWith('{'))
            {
                key = new JsonWebKey(text);
            }
            else if (text.StartsWith("-----BEGIN", StringComparison.Ordinal))
            {
                key = FromPem(text);
            }
            else
            {
                problem = "expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a JSON Web Key ({\"kty\": ...}).";
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or System.Text.Json.JsonException)
        {
            problem = "not a readable key: " + ex.Message;
        }

        return key is not null;
    }

    // The key objects live as long as the app: token validation uses them on every request.
    private static SecurityKey FromPem(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
        }

        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
        catch
        {
            ec.Dispose();
            throw;
        }
    }
}
