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
/// <remarks>
/// Every run gets a container of its own: the configuration and the tasks are files of its spec (the only way into a
/// Container Instances group), and a group started again keeps its files and begins a new log. A container created by
/// <see cref="StartAsync"/> and never started serves the first run when that run's spec is the same.
/// </remarks>
public sealed partial class SandboxService(
    IContainerRuntime runtime,
    SandboxTestTable runs,
    SandboxLogStore logs,
    ISandboxEndpoint endpoint,
    SandboxOptions options,
    TimeProvider time)
{
    /// <summary>Where the sandbox finds the (redacted) configuration.</summary>
    public const string ConfigurationPath = ContainerSpec.WorkPath + "/config/config.json";

    /// <summary>Where the sandbox finds the run's test tasks.</summary>
    public const string TasksPath = ContainerSpec.WorkPath + "/tasks/tasks.json";

    // Keys the generated API credential: the same for a sandbox within this process, so that a start and a run make the same spec.
    private static readonly byte[] CredentialKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>The sandbox's container name for a deployment (stable, valid for Container Instances too).</summary>
    public static string ContainerName(string deploymentId) =>
        "sbx-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deploymentId)))[..20];

    /// <summary>
    /// Creates the deployment's sandbox, ready to run the template's suite (re-made when the configuration changed).
    /// The configuration file the agent reads is redacted; secret values reach it only through its environment.
    /// </summary>
    public async Task<string> StartAsync(string deploymentId, AgentConfiguration configuration, AgentTemplate template,
        CancellationToken cancellationToken = default)
    {
        ContainerSpec spec = await SpecAsync(deploymentId, configuration, template, template.TestTasks, cancellationToken).ConfigureAwait(false);
        await PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
        return spec.Name;
    }

    /// <summary>Stops and removes the deployment's sandbox. Its runs and logs stay. Idempotent.</summary>
    public async Task StopAsync(string deploymentId, CancellationToken cancellationToken = default) =>
        await runtime.DeleteAsync(ContainerName(deploymentId), keepLogs: false, cancellationToken).ConfigureAwait(false);

    /// <summary>A page of a run's log, after the line sequence <paramref name="after"/>; available after the sandbox is gone.</summary>
    public async Task<SandboxLogPage?> GetLogsAsync(string deploymentId, string testId, long after = 0, int max = 200,
        CancellationToken cancellationToken = default)
    {
        SandboxTestRecord? run = await runs.GetAsync(deploymentId, testId, cancellationToken).ConfigureAwait(false);
        return run?.LogsReference is { } reference ? await logs.ReadAsync(reference, after, max, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>The container of one sandbox run over <paramref name="suite"/>.</summary>
    private async Task<ContainerSpec> SpecAsync(string deploymentId, AgentConfiguration configuration, AgentTemplate template,
        IReadOnlyList<SandboxTestTask> suite, CancellationToken cancellationToken)
    {
        SandboxEndpointPlacement? placement = template.Execution.NetworkAccess
            ? await endpoint.PlaceAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var environment = new List<ContainerEnvironmentVariable> { new("AGENT_STATE_DIR", ContainerSpec.WorkPath) };
        string tasksJson = JsonSerializer.Serialize(suite, AgentFactoryJson.Options);
        if (placement is not null)
        {
            environment.Add(new("SANDBOX_HTTP", placement.Url));
            tasksJson = tasksJson.Replace(SandboxTestTask.SandboxHttpPlaceholder, placement.Url, StringComparison.Ordinal);
        }

        string? apiSecret = (configuration.Settings as ApiSettings)?.Auth?.SecretName;
        foreach (EnvironmentVariable variable in configuration.Advanced.Environment)
        {
            // The API credential is replaced by a generated one: test calls go to our endpoint, never with the real secret.
            string value = variable.Name == apiSecret ? GeneratedCredential(deploymentId) : variable.Value;
            environment.Add(new(variable.Name, value, variable.Secret));
        }

        // The sidecar's share comes out of the configuration's, so the group stays within what the configuration allows.
        ContainerSidecar? sidecar = placement?.Sidecar;
        return new ContainerSpec
        {
            Name = ContainerName(deploymentId),
            Image = options.Image,
            Command = [.. options.ProgramCommand("sandbox", "--config", ConfigurationPath, "--tasks", TasksPath)],
            Environment = environment,
            CpuCores = Math.Min(configuration.Resources.CpuCores, ContainerSpec.MaxCpuCores - (sidecar?.CpuCores ?? 0)),
            MemoryBytes = Math.Min(configuration.Resources.MemoryMb * 1024L * 1024, ContainerSpec.MaxMemoryBytes - (sidecar?.MemoryBytes ?? 0)),
            NetworkAccess = template.Execution.NetworkAccess,
            ReadOnlyMounts = options.ProgramMounts(),
            Files = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [ConfigurationPath] = JsonSerializer.Serialize(configuration.Redacted(), AgentFactoryJson.Options),
                [TasksPath] = tasksJson,
            },
            RunOnce = true,
            Sidecars = sidecar is null ? [] : [sidecar],
            Labels = new Dictionary<string, string> { ["deployment"] = deploymentId, ["purpose"] = "sandbox" },
        };
    }

    /// <summary>
    /// Leaves a never-started container of <paramref name="spec"/> under its name: one created earlier for the same
    /// spec is kept, anything else there (another spec, or a container that already ran) is replaced.
    /// </summary>
    private async Task PrepareAsync(ContainerSpec spec, CancellationToken cancellationToken)
    {
        ContainerState? existing;
        try
        {
            existing = (await runtime.GetStatusAsync(spec.Name, cancellationToken).ConfigureAwait(false)).State;
        }
        catch (ContainerNotFoundException)
        {
            existing = null;
        }

        if (existing is not null and not ContainerState.Created)
        {
            await runtime.DeleteAsync(spec.Name, keepLogs: false, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await runtime.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerConflictException)
        {
            // The configuration or the tasks changed since it was made.
            await runtime.DeleteAsync(spec.Name, keepLogs: false, cancellationToken).ConfigureAwait(false);
            await runtime.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string GeneratedCredential(string deploymentId) =>
        "sandbox-" + Convert.ToHexStringLower(HMACSHA256.HashData(CredentialKey, Encoding.UTF8.GetBytes(deploymentId)))[..32];
}
