using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Storage;

namespace AgentFactory.Functions.Sandbox;

/// <summary>
/// "Test in sandbox": one sandbox per deployment, running the real agent program isolated by the container
/// runtime (no network unless the template needs it, the configuration's CPU and memory as limits). Each
/// execution is one run of the program over a set of test tasks, recorded in <c>SandboxTests</c> with its
/// per-task outcome, metrics and a log in Blob storage that outlives the sandbox.
/// </summary>
public sealed partial class SandboxService(
    IContainerRuntime runtime,
    SandboxTestTable runs,
    SandboxLogStore logs,
    SandboxEndpointProcess endpoint,
    SandboxOptions options,
    TimeProvider time)
{
    /// <summary>The sandbox's container name for a deployment (stable, valid for Container Instances too).</summary>
    public static string ContainerName(string deploymentId) =>
        "sbx-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deploymentId)))[..20];

    /// <summary>
    /// Creates (or re-creates, when the configuration changed) the deployment's sandbox. The configuration file
    /// the agent reads is redacted; secret values reach it only through its environment.
    /// </summary>
    public async Task<string> StartAsync(string deploymentId, AgentConfiguration configuration, AgentTemplate template,
        CancellationToken cancellationToken = default)
    {
        string name = ContainerName(deploymentId);
        string work = Path.Combine(options.WorkRoot, name);
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, "config.json"), JsonSerializer.Serialize(configuration.Redacted(), AgentFactoryJson.Options),
            cancellationToken).ConfigureAwait(false);

        var environment = new List<ContainerEnvironmentVariable> { new("AGENT_STATE_DIR", ContainerSpec.WorkPath) };
        if (template.Execution.NetworkAccess)
        {
            environment.Add(new("SANDBOX_HTTP", (await endpoint.GetUrlAsync(cancellationToken).ConfigureAwait(false)).AbsoluteUri.TrimEnd('/')));
        }

        string? apiSecret = (configuration.Settings as ApiSettings)?.Auth?.SecretName;
        foreach (EnvironmentVariable variable in configuration.Advanced.Environment)
        {
            // The API credential is replaced by a generated one: test calls go to our endpoint, never with the real secret.
            string value = variable.Name == apiSecret ? "sandbox-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : variable.Value;
            environment.Add(new(variable.Name, value, variable.Secret));
        }

        var spec = new ContainerSpec
        {
            Name = name,
            Command = [options.DotnetPath, SandboxOptions.RuntimeMountPath + "/AgentFactory.AgentRuntime.dll", "sandbox",
                "--config", ContainerSpec.WorkPath + "/config.json", "--tasks", ContainerSpec.WorkPath + "/tasks.json"],
            Environment = environment,
            CpuCores = configuration.Resources.CpuCores,
            MemoryBytes = configuration.Resources.MemoryMb * 1024L * 1024,
            NetworkAccess = template.Execution.NetworkAccess,
            ReadOnlyMounts = [new ContainerMount(options.RuntimeDirectory, SandboxOptions.RuntimeMountPath)],
            WorkDirectory = work,
            Labels = new Dictionary<string, string> { ["deployment"] = deploymentId, ["purpose"] = "sandbox" },
        };
        try
        {
            await runtime.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerConflictException)
        {
            // The configuration changed since the sandbox was made: it is re-made for the new one.
            await runtime.DeleteAsync(name, keepLogs: false, cancellationToken).ConfigureAwait(false);
            Directory.CreateDirectory(work);
            await runtime.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
        }

        return name;
    }

    /// <summary>Stops and removes the deployment's sandbox. Its runs and logs stay. Idempotent.</summary>
    public async Task StopAsync(string deploymentId, CancellationToken cancellationToken = default)
    {
        string name = ContainerName(deploymentId);
        await runtime.DeleteAsync(name, keepLogs: false, cancellationToken).ConfigureAwait(false);
        string work = Path.Combine(options.WorkRoot, name);
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>A page of a run's log, after the line sequence <paramref name="after"/>; available after the sandbox is gone.</summary>
    public async Task<SandboxLogPage?> GetLogsAsync(string deploymentId, string testId, long after = 0, int max = 200,
        CancellationToken cancellationToken = default)
    {
        SandboxTestRecord? run = await runs.GetAsync(deploymentId, testId, cancellationToken).ConfigureAwait(false);
        return run?.LogsReference is { } reference ? await logs.ReadAsync(reference, after, max, cancellationToken).ConfigureAwait(false) : null;
    }
}
