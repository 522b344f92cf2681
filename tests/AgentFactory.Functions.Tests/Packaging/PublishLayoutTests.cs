using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;

namespace AgentFactory.Functions.Tests.Packaging;

/// <summary>
/// scripts/publish.sh produces what the Functions host loads: host.json at the root, one folder per function, and the
/// handler that host.json names. Run framework-dependent from the existing Release build, so it takes seconds.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PublishLayoutTests : IDisposable
{
    private static readonly string Root = FunctionsLayout.RepositoryRoot();
    private readonly string _output = Path.Combine(Path.GetTempPath(), "agentfactory-publish-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task PublishSh_Layout_HasHostJsonFunctionFoldersTheHandlerAndTheAgentRuntime()
    {
        (int exitCode, string output) = await RunAsync("bash", Path.Combine(Root, "scripts", "publish.sh"), "--output", _output, "--framework-dependent", "--no-build");
        Assert.True(exitCode == 0, output);

        JsonNode host = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "host.json")))!;
        Assert.Equal("2.0", (string?)host["version"]);
        Assert.Equal("api", (string?)host["extensions"]!["http"]!["routePrefix"]);
        JsonNode handler = host["customHandler"]!;
        Assert.True((bool)handler["enableForwardingHttpRequest"]!);
        Assert.True((bool)handler["enableProxyingHttpRequest"]!);
        string working = Path.Combine(_output, (string)handler["description"]!["workingDirectory"]!);
        string executable = Path.Combine(_output, (string)handler["description"]!["defaultExecutablePath"]!);
        Assert.True(File.Exists(executable), $"host.json names {executable}, which the layout lacks");
        Assert.True(File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), "the handler must be executable");
        Assert.True(File.Exists(Path.Combine(working, "AgentFactory.Functions.dll")));
        Assert.True(File.Exists(Path.Combine(working, "agent-runtime", "AgentFactory.AgentRuntime.dll")));
        Assert.True(File.Exists(Path.Combine(working, "agent-runtime", "AgentFactory.AgentRuntime.deps.json")));

        string[] committed = [.. Directory.GetDirectories(Path.Combine(Root, "functions")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        string[] published = [.. Directory.GetDirectories(_output).Select(Path.GetFileName).Where(n => n != "app").Order(StringComparer.Ordinal)!];
        Assert.NotEmpty(committed);
        Assert.Equal(committed, published);
        foreach (string name in committed)
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Root, "functions", name, "function.json")),
                await File.ReadAllTextAsync(Path.Combine(_output, name, "function.json")));
        }

        // No local settings or secrets travel with the package.
        Assert.Empty(Directory.GetFiles(_output, "local.settings*.json", SearchOption.AllDirectories));
    }

    [Fact(Timeout = 180_000)]
    public async Task AgentImageSh_Context_PutsTheProgramWhereContainerSpecsRunIt_OnTheRuntimeItTargets()
    {
        (int exitCode, string output) = await RunAsync("bash", Path.Combine(Root, "scripts", "agent-image.sh"), "--output", _output, "--no-build");
        Assert.True(exitCode == 0, output);

        string[] dockerfile = await File.ReadAllLinesAsync(Path.Combine(_output, "Dockerfile"));
        Assert.Contains($"COPY program/ {AgentFactory.Functions.Sandbox.SandboxOptions.RuntimeMountPath}/", dockerfile);
        // The image's entry point is exactly the prefix of every command the factory gives its containers.
        string entryPoint = dockerfile.Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))["ENTRYPOINT ".Length..];
        Assert.Equal(new AgentFactory.Functions.Sandbox.SandboxOptions().ProgramCommand(), JsonNode.Parse(entryPoint)!.AsArray().Select(n => (string)n!));
        Assert.Contains(dockerfile, l => l.StartsWith("WORKDIR " + AgentFactory.Functions.Containers.ContainerSpec.WorkPath, StringComparison.Ordinal));

        string program = Path.Combine(_output, "program");
        Assert.True(File.Exists(Path.Combine(program, "AgentFactory.AgentRuntime.dll")));
        Assert.True(File.Exists(Path.Combine(program, "AgentFactory.AgentRuntime.deps.json")));
        JsonNode runtimeConfig = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(program, "AgentFactory.AgentRuntime.runtimeconfig.json")))!;
        string version = (string)runtimeConfig["runtimeOptions"]!["framework"]!["version"]!;
        Assert.Contains($"FROM mcr.microsoft.com/dotnet/runtime:{version.Split('.')[0]}.{version.Split('.')[1]}", dockerfile);
    }

    [Fact(Timeout = 30_000)]
    public async Task PublishSh_NoBuildWithoutFrameworkDependent_RefusesWithAReason()
    {
        (int exitCode, string output) = await RunAsync("bash", Path.Combine(Root, "scripts", "publish.sh"), "--output", _output, "--no-build");

        Assert.Equal(2, exitCode);
        Assert.Contains("--no-build needs --framework-dependent", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
