using AgentFactory.Functions.Tests.EndToEnd;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFactory.Cli.Tests;

/// <summary>What one run of the tool printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>One app for every CLI test (they run one after another: creations run agents on a two-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<WizardApp>
{
    public const string Name = "Cli";
}

/// <summary>Runs the tool against the app's real port: in process (<see cref="CliApp"/>) or as the built program.</summary>
public static class CliHost
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);

    public static string Url(WizardApp app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>A new key of a tenant of its own (ids and agent names never meet another test's).</summary>
    public static async Task<(string Tenant, string Key)> NewTenantAsync(WizardApp app, string role = "automation")
    {
        string tenant = "cli-" + Guid.NewGuid().ToString("N")[..8];
        return (tenant, await app.Keys.CreateAsync(tenant, role, "cli-test"));
    }

    /// <summary>The tool in process, with AGENTFACTORY_URL and AGENTFACTORY_KEY as its environment.</summary>
    public static async Task<CliRun> RunAsync(WizardApp app, string key, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(RunTimeout);
        string url = Url(app);
        int code = await CliApp.RunAsync(args, output, error, name => name switch
        {
            "AGENTFACTORY_URL" => url,
            "AGENTFACTORY_KEY" => key,
            _ => null,
        }, cancellationToken: timeout.Token);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>The built tool as a separate process (<c>dotnet AgentFactory.Cli.dll</c>), the key in its environment.</summary>
    public static async Task<CliRun> RunProcessAsync(string url, string key, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AgentFactory.Cli.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AGENTFACTORY_URL"] = url;
        start.Environment["AGENTFACTORY_KEY"] = key;
        using var process = System.Diagnostics.Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"agentfactory {string.Join(' ', args)} did not end within {RunTimeout}: {await error}");
        }

        return new CliRun(process.ExitCode, await output, await error);
    }
}
