using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using AgentFactory.Functions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentFactory.Functions.Tests.Hosting;

[Collection(HostingCollection.Name)]
public sealed class EntraTokenTests(SecuredApp app)
{
    private const string Tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private string Token(string issuer = SecuredApp.Issuer, string audience = SecuredApp.Audience, RSA? key = null,
        string? tid = Tid, string[]? roles = null, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["oid"] = "00000000-0000-0000-0000-0000000000a1", ["roles"] = roles ?? [FactoryRoles.Automation] };
        if (tid is not null)
        {
            claims["tid"] = tid;
        }

        DateTime exp = expires ?? DateTime.UtcNow.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            NotBefore = exp.AddHours(-1),
            IssuedAt = exp.AddHours(-1),
            Expires = exp,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? app.SigningKey), SecurityAlgorithms.RsaSha256),
        });
    }

    private Task<HttpResponseMessage> GetAsync(string path, string token)
    {
        HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.GetAsync(path);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_ValidToken_TenantFromTidAndKnownRolesOnly()
    {
        HttpResponseMessage response = await GetAsync("/api/whoami", Token(roles: [FactoryRoles.Automation, "Reader", FactoryRoles.Portal]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        WhoAmI me = (await response.ReadAsync<WhoAmI>())!;
        Assert.Equal((Tid, "Bearer", "00000000-0000-0000-0000-0000000000a1"), (me.Tenant, me.Scheme, me.Id));
        Assert.Equal([FactoryRoles.Automation, FactoryRoles.Portal], me.Roles);
    }

    [Fact(Timeout = 30_000)]
    public async Task OpsEndpoint_TokenWithOpsRole_Succeeds_WithPortalRole_Is403()
    {
        HttpResponseMessage ops = await GetAsync("/api/test/ops", Token(roles: [FactoryRoles.Ops]));
        HttpResponseMessage portal = await GetAsync("/api/test/ops", Token(roles: [FactoryRoles.Portal]));

        Assert.Equal(HttpStatusCode.OK, ops.StatusCode);
        await ProblemAssert.IsProblemAsync(portal, HttpStatusCode.Forbidden);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_TokenWithoutFactoryRole_Is403ProblemSayingSo()
    {
        HttpResponseMessage response = await GetAsync("/api/whoami", Token(roles: ["Reader"]));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("This needs role portal or automation or ops; the caller has no factory role.", problem.Detail());
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "issuer", "comes from an issuer this factory does not trust" },
        { "audience", "is for another audience" },
        { "key", "signature is not valid" },
        { "expired", "has expired" },
        { "tid", "has no tid (tenant) claim" },
        { "garbage", "not a well-formed JWT" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(Refused))]
    public async Task WhoAmI_RefusedToken_Is401ProblemWithReasonAndBearerChallenge(string wrong, string reason)
    {
        using var otherKey = RSA.Create(2048);
        string token = wrong switch
        {
            "issuer" => Token(issuer: "https://login.example.test/someone-else/v2.0"),
            "audience" => Token(audience: "api://another-app"),
            "key" => Token(key: otherKey),
            "expired" => Token(expires: DateTime.UtcNow.AddMinutes(-10)),
            "tid" => Token(tid: null),
            _ => "not-a-jwt",
        };

        HttpResponseMessage response = await GetAsync("/api/whoami", token);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains(reason, problem.Detail(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.First().Scheme);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhoAmI_BearerTokenAndKey_TokenIsUsed()
    {
        string key = await app.Keys.CreateAsync("key-tenant", FactoryRoles.Ops, "test");
        using HttpClient client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        client.DefaultRequestHeaders.Add("x-functions-key", key);

        WhoAmI me = (await (await client.GetAsync("/api/whoami")).ReadAsync<WhoAmI>())!;

        Assert.Equal(Tid, me.Tenant);
    }
}
