using System.Security.Cryptography;
using AgentFactory.Functions.Hosting;

namespace AgentFactory.Functions.Tests.Hosting;

/// <summary>The app with Entra ID tokens accepted from a test issuer whose RSA key is made here (no network).</summary>
public sealed class SecuredApp : FactoryApp
{
    public const string Issuer = "https://login.example.test/entra-test/v2.0";
    public const string Audience = "api://agent-factory-test";

    /// <summary>A key given in configuration by its hash (role ops of the platform tenant).</summary>
    public const string ConfiguredOpsKey = "configured-ops-key-for-the-hosting-tests-0123456789";

    public RSA SigningKey { get; } = RSA.Create(2048);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AgentFactory:Auth:Entra:Issuer", Issuer),
        new("AgentFactory:Auth:Entra:Audience", Audience),
        new("AgentFactory:Auth:Entra:SigningKeys:0", SigningKey.ExportSubjectPublicKeyInfoPem()),
        new("AgentFactory:Auth:Keys:0:Hash", FunctionKeys.Hash(ConfiguredOpsKey).ToUpperInvariant()),
        new("AgentFactory:Auth:Keys:0:Tenant", FactoryClaims.PlatformTenant),
        new("AgentFactory:Auth:Keys:0:Role", FactoryRoles.Ops),
        new("AgentFactory:Auth:Keys:0:Name", "operators"),
    ];

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            SigningKey.Dispose();
        }

        base.Dispose(disposing);
    }
}
