using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using AgentFactory.Functions.Hosting;
using AgentFactory.Testing;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Hosting;

public sealed class HostingUnitTests
{
    [Fact]
    public void Hash_IsSha256HexOfUtf8_SameAsSha256sum()
    {
        // printf %s 'abc' | sha256sum
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FunctionKeys.Hash("abc"));
        Assert.True(FunctionKeys.HashesEqual(FunctionKeys.Hash("abc"), FunctionKeys.Hash("abc").ToUpperInvariant()));
        Assert.False(FunctionKeys.HashesEqual(FunctionKeys.Hash("abc"), FunctionKeys.Hash("abd")));
    }

    [Fact]
    public void New_Keys_AreDistinctUrlSafe43Chars()
    {
        string[] keys = [.. Enumerable.Range(0, 100).Select(_ => FunctionKeys.New())];

        Assert.Equal(100, keys.Distinct().Count());
        Assert.All(keys, k => Assert.Matches("^[A-Za-z0-9_-]{43}$", k));
    }

    [Theory]
    [InlineData(null, null, "http://localhost:7071")]
    [InlineData("7200", null, "http://127.0.0.1:7200")]
    [InlineData("7200", "http://0.0.0.0:5000", "http://127.0.0.1:7200")]
    [InlineData(null, "http://0.0.0.0:5000", "http://0.0.0.0:5000")]
    public void UseFactoryUrls_PortUrlsOrDefault_ListensThere(string? customHandlerPort, string? urls, string expected)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection([new("FUNCTIONS_CUSTOMHANDLER_PORT", customHandlerPort), new("urls", urls)]);

        builder.WebHost.UseFactoryUrls(builder.Configuration);

        Assert.Equal(expected, builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
    }

    [Fact]
    public void UseFactoryUrls_PortNotANumber_ThrowsNamingTheSetting()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection([new("FUNCTIONS_CUSTOMHANDLER_PORT", "70x")]);

        var error = Assert.Throws<InvalidOperationException>(() => builder.WebHost.UseFactoryUrls(builder.Configuration));

        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problem_ValidOptions_IsNull_EachMistake_IsNamed()
    {
        using var rsa = RSA.Create(2048);
        FactoryAuthOptions Options(string hash = "", string tenant = "t", string role = "ops", string? issuer = "i", string? key = null)
        {
            var o = new FactoryAuthOptions { Entra = { Issuer = issuer, Audience = "a" } };
            o.Entra.SigningKeys.Add(key ?? rsa.ExportSubjectPublicKeyInfoPem());
            o.Keys.Add(new ConfiguredKey { Hash = hash.Length > 0 ? hash : FunctionKeys.Hash("k"), Tenant = tenant, Role = role });
            return o;
        }

        Assert.Null(Options().Problem());
        Assert.Null(new FactoryAuthOptions().Problem());
        Assert.Contains("Keys:0: Hash", Options(hash: "plain-key-not-a-hash").Problem(), StringComparison.Ordinal);
        Assert.Contains("Keys:0: Tenant", Options(tenant: " ").Problem(), StringComparison.Ordinal);
        Assert.Contains("Keys:0: Role 'admin'", Options(role: "admin").Problem(), StringComparison.Ordinal);
        Assert.Contains("Entra: needs Issuer, Audience", Options(issuer: null).Problem(), StringComparison.Ordinal);
        Assert.Contains("Entra:SigningKeys:0", Options(key: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").Problem(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddFactorySecurity_RoleNotKnownInConfiguredKey_OptionsFailNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("AgentFactory:Auth:Keys:0:Hash", FunctionKeys.Hash("k")),
            new("AgentFactory:Auth:Keys:0:Tenant", "contoso"),
            new("AgentFactory:Auth:Keys:0:Role", "admin"),
        ]).Build());
        services.AddFactorySecurity("UseDevelopmentStorage=true");
        using ServiceProvider provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FactoryAuthOptions>>().Value);

        Assert.Equal("AgentFactory:Auth:Keys:0: Role 'admin' is not one of portal, automation, ops.", error.Message);
    }

    [Theory]
    [InlineData("contoso", FactoryRoles.Portal, "contoso", true)]
    [InlineData("contoso", FactoryRoles.Ops, "fabrikam", false)]
    [InlineData(FactoryClaims.PlatformTenant, FactoryRoles.Ops, "fabrikam", true)]
    [InlineData(FactoryClaims.PlatformTenant, FactoryRoles.Automation, "fabrikam", false)]
    public void CanSeeTenant_OwnTenantOrPlatformOps(string tenant, string role, string other, bool expected)
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(FactoryClaims.Tenant, tenant), new Claim(ClaimTypes.Role, role)], "test"));

        Assert.Equal(expected, user.CanSeeTenant(other));
    }

    [Fact]
    public void TryParse_PemRsaPemEcJwkRsaJwkOct_AreKeys_OtherTextIsNot()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        RSAParameters p = rsa.ExportParameters(false);
        string jwkRsa = JsonSerializer.Serialize(new { kty = "RSA", kid = "k1", n = Base64Url(p.Modulus!), e = Base64Url(p.Exponent!) });
        string jwkOct = JsonSerializer.Serialize(new { kty = "oct", k = Base64Url(RandomNumberGenerator.GetBytes(32)) });

        Assert.True(EntraSigningKeys.TryParse(rsa.ExportSubjectPublicKeyInfoPem(), out var k1, out _));
        Assert.True(EntraSigningKeys.TryParse(ec.ExportSubjectPublicKeyInfoPem(), out var k2, out _));
        Assert.True(EntraSigningKeys.TryParse(jwkRsa, out var k3, out _));
        Assert.True(EntraSigningKeys.TryParse(jwkOct, out var k4, out _));
        Assert.Equal(["RsaSecurityKey", "ECDsaSecurityKey", "JsonWebKey", "JsonWebKey"], [k1.GetType().Name, k2.GetType().Name, k3.GetType().Name, k4.GetType().Name]);
        Assert.False(EntraSigningKeys.TryParse("c2VjcmV0", out _, out string? problem));
        Assert.Contains("PEM public key", problem, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task FindAsync_DeletedKey_StillFoundUntilCacheExpires_NotWithoutCache()
    {
        var table = new ApiKeyTable(new TableServiceClient(AzuriteConnection.ConnectionString), "u" + Guid.NewGuid().ToString("N")[..10]);
        using var cached = new ApiKeyStore(table, Options.Create(new FactoryAuthOptions { KeyCacheDuration = TimeSpan.FromMinutes(5) }), TimeProvider.System);
        using var uncached = new ApiKeyStore(table, Options.Create(new FactoryAuthOptions { KeyCacheDuration = TimeSpan.Zero }), TimeProvider.System);
        try
        {
            string key = await cached.CreateAsync("contoso", FactoryRoles.Ops, "cache");
            Assert.NotNull(await cached.FindAsync(key));
            Assert.NotNull(await uncached.FindAsync(key));

            Assert.True(await table.DeleteAsync(FunctionKeys.Hash(key)));

            Assert.Equal("contoso", (await cached.FindAsync(key))?.Tenant);
            Assert.Null(await uncached.FindAsync(key));
            Assert.False(await table.DeleteAsync(FunctionKeys.Hash(key)));
        }
        finally
        {
            await table.Table.DeleteAsync();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task SaveAsync_UnknownRoleOrPlainKeyAsHash_Refused()
    {
        var table = new ApiKeyTable(new TableServiceClient(AzuriteConnection.ConnectionString), "u" + Guid.NewGuid().ToString("N")[..10]);
        using var store = new ApiKeyStore(table, Options.Create(new FactoryAuthOptions()), TimeProvider.System);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.CreateAsync("contoso", "admin", null));
        await Assert.ThrowsAsync<ArgumentException>(() => table.SaveAsync(new ApiKeyRecord("plain-key", "contoso", FactoryRoles.Ops, null, DateTimeOffset.UtcNow)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
