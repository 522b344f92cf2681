using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Sandbox;

/// <summary>Where the sandbox finds the agent program and keeps its runs (section <c>AgentFactory:Sandbox</c>).</summary>
public sealed class SandboxOptions
{
    /// <summary>The agent program's build output (AgentFactory.AgentRuntime.dll and its dependencies), mounted read-only.</summary>
    public string RuntimeDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "agent-runtime");

    /// <summary>The dotnet host that runs the agent program, inside and outside the sandbox.</summary>
    public string DotnetPath { get; set; } = "/usr/bin/dotnet";

    /// <summary>
    /// The agent image (Container Instances), which holds the program at <see cref="RuntimeMountPath"/>; null for the
    /// local runtime, which mounts <see cref="RuntimeDirectory"/> there instead. Set from
    /// <c>AgentFactory:Provisioning:AgentImage</c> when containers run in Container Instances.
    /// </summary>
    public string? Image { get; set; }

    /// <summary>The test endpoint's port when it runs as a sidecar of the sandbox (<see cref="SandboxEndpointSidecar"/>).</summary>
    public int EndpointPort { get; set; } = 8089;

    /// <summary>Blob container that keeps every run's log, so that logs outlive the sandbox.</summary>
    public string LogsContainer { get; set; } = "sandbox-logs";

    /// <summary>How long one run (every task of it) may take before it is stopped and reported as timed out.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the agent program is inside a sandbox: mounted there locally, copied there in the agent image.</summary>
    public const string RuntimeMountPath = "/agent";

    /// <summary>The argv that runs the agent program's <paramref name="verbAndArguments"/> inside a sandbox.</summary>
    public IReadOnlyList<string> ProgramCommand(params string[] verbAndArguments) =>
        [DotnetPath, RuntimeMountPath + "/AgentFactory.AgentRuntime.dll", .. verbAndArguments];

    /// <summary>How the agent program gets into a sandbox: from the image, or the app's copy mounted read-only.</summary>
    public IReadOnlyList<ContainerMount> ProgramMounts() =>
        Image is { Length: > 0 } ? [] : [new ContainerMount(RuntimeDirectory, RuntimeMountPath)];
}
