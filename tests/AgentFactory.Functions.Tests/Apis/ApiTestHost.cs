using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentFactory.Functions.Apis;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Tests.Apis;

/// <summary>
/// The factory's routes on Kestrel at 127.0.0.1 over Azurite, with a test authentication scheme that takes the
/// caller's tenant and role from headers (the real key and token schemes are tested by the hosting tests).
/// </summary>
public sealed class ApiTestHost : IAsyncLifetime
{
    private WebApplication? _app;
    private readonly string _prefix = "a" + Guid.NewGuid().ToString("N")[..10];

    public HttpClient Client { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public HttpClient As(string tenant, string role = "portal")
    {
        var client = new HttpClient { BaseAddress = Client.BaseAddress };
        client.DefaultRequestHeaders.Add(TestAuth.TenantHeader, tenant);
        client.DefaultRequestHeaders.Add(TestAuth.RoleHeader, role);
        return client;
    }

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(TestAuth.Name).AddScheme<AuthenticationSchemeOptions, TestAuth>(TestAuth.Name, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy("Factory", p => p.RequireRole("portal", "automation", "ops"))
            .AddPolicy("Automation", p => p.RequireRole("automation", "ops"))
            .AddPolicy("Ops", p => p.RequireRole("ops"));
        builder.Services.AddFactoryStorage(AzuriteConnection.ConnectionString, _prefix);
        builder.Services.AddFactoryDomain();
        // Ad-hoc sandbox sessions keep their secrets in the secret store.
        builder.Services.AddSingleton<AgentFactory.Functions.Orchestration.Secrets.ISecretStore>(new AgentFactory.Functions.Orchestration.Secrets.TableSecretStore(
            new Azure.Data.Tables.TableServiceClient(AzuriteConnection.ConnectionString),
            Options.Create(new AgentFactory.Functions.Orchestration.Secrets.SecretStoreOptions { Key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) }),
            _prefix));
        builder.Services.AddSingleton(new AgentFactory.Functions.Monitoring.UsageTable(new Azure.Data.Tables.TableServiceClient(AzuriteConnection.ConnectionString), _prefix));
        builder.Services.AddFactorySandbox(AzuriteConnection.ConnectionString,
            runtime =>
            {
                runtime.StateDirectory = Path.Combine(Path.GetTempPath(), "agentfactory-api-" + _prefix);
                runtime.CgroupParent = "agentfactory-test-" + _prefix;
            },
            sandbox =>
            {
                sandbox.LogsContainer = "logs" + _prefix;
            });
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapTemplatesApi();
        _app.MapValidationApi();
        _app.MapSandboxApi();
        _app.MapStatsApi();
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await _app!.Services.GetRequiredService<FactoryTables>().DeleteAsync();
        await _app.Services.GetRequiredService<AgentFactory.Functions.Monitoring.UsageTable>().DeleteAsync();
        var tables = new Azure.Data.Tables.TableServiceClient(AzuriteConnection.ConnectionString);
        await tables.GetTableClient(_prefix + "SandboxSessions").DeleteAsync();
        await tables.GetTableClient(_prefix + "DeploymentSecrets").DeleteAsync();
        await new Azure.Storage.Blobs.BlobServiceClient(AzuriteConnection.ConnectionString).GetBlobContainerClient("logs" + _prefix).DeleteIfExistsAsync();
        IReadOnlyList<string> cgroupParents = [];
        if (OperatingSystem.IsLinux() && _app.Services.GetService<AgentFactory.Functions.Containers.IContainerRuntime>() is
            AgentFactory.Functions.Containers.Local.BubblewrapContainerRuntime { } runtime)
        {
            cgroupParents = [.. (await runtime.CgroupsAsync()).ParentDirectories];
        }

        await _app.DisposeAsync();
        foreach (string parent in cgroupParents)
        {
            await AgentFactory.Functions.Containers.Local.Cgroups.CgroupFile.RemoveDirectoryAsync(parent, CancellationToken.None);
        }

        foreach (string dir in new[] { "agentfactory-api-" }.Select(d => Path.Combine(Path.GetTempPath(), d + _prefix)))
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}

/// <summary>Authenticates from <c>X-Test-Tenant</c> / <c>X-Test-Role</c>; no headers, no caller.</summary>
internal sealed class TestAuth(IOptionsMonitor<AuthenticationSchemeOptions> options, Microsoft.Extensions.Logging.ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "Test";
    public const string TenantHeader = "X-Test-Tenant";
    public const string RoleHeader = "X-Test-Role";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(TenantHeader, out var tenant) || !Request.Headers.TryGetValue(RoleHeader, out var role))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim("tenant", tenant.ToString()), new Claim(ClaimTypes.Role, role.ToString())], Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
    }
}
