namespace AgentFactory.Functions.Sandbox;

/// <summary>Where the sandbox finds the agent program and keeps its runs.</summary>
public sealed class SandboxOptions
{
    /// <summary>The agent program's build output (AgentFactory.AgentRuntime.dll and its dependencies), mounted read-only.</summary>
    public string RuntimeDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "agent-runtime");

    /// <summary>The dotnet host that runs the agent program, inside and outside the sandbox.</summary>
    public string DotnetPath { get; set; } = "/usr/bin/dotnet";

    /// <summary>Host directory for the sandboxes' work directories (configuration, tasks, the agent's state).</summary>
    public string WorkRoot { get; set; } = Path.Combine(Path.GetTempPath(), "agentfactory", "sandboxes");

    /// <summary>Blob container that keeps every run's log, so that logs outlive the sandbox.</summary>
    public string LogsContainer { get; set; } = "sandbox-logs";

    /// <summary>How long one run (every task of it) may take before it is stopped and reported as timed out.</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the agent program is mounted inside the sandbox.</summary>
    public const string RuntimeMountPath = "/agent";
}
