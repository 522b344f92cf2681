using System.Security.Cryptography;
using System.Text;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Function keys: 256 random bits, shown once when created, stored only as their SHA-256 (hex). A key has that
/// much entropy, so an unsalted fast hash is enough: there is nothing to guess from the hash.
/// </summary>
public static class FunctionKeys
{
    /// <summary>A new key: 32 random bytes, base64url without padding (43 characters, safe in a header and a query string).</summary>
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 of the key's UTF-8 bytes as 64 lowercase hex digits (the same as <c>printf %s KEY | sha256sum</c>).</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="value"/> looks like a <see cref="Hash"/> (64 hex digits, either case).</summary>
    public static bool IsHash(string? value) => value is { Length: 64 } && value.All(char.IsAsciiHexDigit);

    /// <summary>Compares two hashes in time that does not depend on where they differ.</summary>
    public static bool HashesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a.ToLowerInvariant()), Encoding.ASCII.GetBytes(b.ToLowerInvariant()));
}
