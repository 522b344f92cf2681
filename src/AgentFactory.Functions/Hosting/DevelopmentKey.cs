using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Where the development key is printed: the console, and nowhere else (not the logs, which may leave the machine).
/// Tests swap the writer.
/// </summary>
public sealed class DevelopmentKeyConsole(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;
}

/// <summary>
/// When running locally (<see cref="FactoryAuthOptions.CreateDevelopmentKey"/>, by default in Development), stores a
/// key for tenant <c>dev</c>, role <c>automation</c> — the configured <see cref="FactoryAuthOptions.DevelopmentKey"/>
/// or a new one — removes older development keys, and prints the key once the server listens. Only its hash is stored.
/// </summary>
internal sealed class DevelopmentKey(ApiKeyStore keys, ApiKeyTable table, IOptions<FactoryAuthOptions> options, IHostEnvironment environment,
    IHostApplicationLifetime lifetime, IServer server, DevelopmentKeyConsole console) : IHostedService
{
    public const string Tenant = "dev";
    public const string Role = FactoryRoles.Automation;
    public const string Name = "development";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!(options.Value.CreateDevelopmentKey ?? environment.IsDevelopment()))
        {
            return;
        }

        string key = options.Value.DevelopmentKey is { Length: > 0 } configured ? configured : FunctionKeys.New();
        string hash = FunctionKeys.Hash(key);
        await foreach (ApiKeyRecord old in table.ListAsync(Tenant, Name, cancellationToken))
        {
            if (!FunctionKeys.HashesEqual(old.Hash, hash))
            {
                await table.DeleteAsync(old.Hash, cancellationToken);
            }
        }

        await keys.SaveAsync(key, Tenant, Role, Name, cancellationToken);
        lifetime.ApplicationStarted.Register(() => Print(key));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print(string key)
    {
        string address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:7071";
        console.Writer.WriteLine();
        console.Writer.WriteLine($"Development key (tenant '{Tenant}', role '{Role}'): {key}");
        console.Writer.WriteLine($"  curl -H \"{FunctionKeyAuthenticationHandler.HeaderName}: {key}\" {address.TrimEnd('/')}/api/whoami");
        // Starts an agent-creation wizard for the blank template; follow it at the Location the answer names.
        console.Writer.WriteLine($"  curl -i -H \"{FunctionKeyAuthenticationHandler.HeaderName}: {key}\" -H \"Content-Type: application/json\" " +
            $"-d '{{\"templateId\":\"tmpl-blank\"}}' {address.TrimEnd('/')}/api/platform/factory/agents");
        console.Writer.WriteLine($"  the wizard: {address.TrimEnd('/')}/   the operations console: {address.TrimEnd('/')}/ops/   (enter the key there)");
        console.Writer.WriteLine();
        console.Writer.Flush();
    }
}
