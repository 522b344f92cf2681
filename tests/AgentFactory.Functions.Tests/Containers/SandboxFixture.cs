using System.Collections.Concurrent;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using AgentFactory.Functions.Containers.Local.Cgroups;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.Containers;

/// <summary>
/// One real bubblewrap runtime for the sandbox tests, over a private state directory and a private parent cgroup
/// (so runs of other worktrees on the same machine never meet it). Removes everything at the end.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxFixture : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _names = new();

    public SandboxFixture()
    {
        Options = NewOptions(Path.Combine(Path.GetTempPath(), "agentfactory-tests-" + Guid.NewGuid().ToString("N")[..8]));
        Runtime = new BubblewrapContainerRuntime(Options, Logger);
    }

    public BubblewrapContainerRuntimeOptions Options { get; }

    public ListLogger<BubblewrapContainerRuntime> Logger { get; } = new();

    public BubblewrapContainerRuntime Runtime { get; }

    /// <summary>Options over <paramref name="stateDirectory"/> with a cgroup parent of its own.</summary>
    public static BubblewrapContainerRuntimeOptions NewOptions(string stateDirectory) => new()
    {
        StateDirectory = stateDirectory,
        CgroupParent = "agentfactory-test-" + Path.GetFileName(stateDirectory),
        StopGracePeriod = TimeSpan.FromSeconds(5),
    };

    /// <summary>A fresh container name, deleted when the fixture ends.</summary>
    public string NewName()
    {
        string name = "t-" + Guid.NewGuid().ToString("N")[..10];
        _names.Enqueue(name);
        return name;
    }

    /// <summary>A spec running a /bin/sh script.</summary>
    public ContainerSpec Shell(string script, long memoryBytes = 128L * 1024 * 1024, decimal cpuCores = 1m, bool network = false) => new()
    {
        Name = NewName(),
        Command = ["/bin/sh", "-c", script],
        MemoryBytes = memoryBytes,
        CpuCores = cpuCores,
        NetworkAccess = network,
        Labels = new Dictionary<string, string> { ["test"] = "containers" },
    };

    /// <summary>Creates, starts and waits for the end of a container; returns its status and whole log.</summary>
    public async Task<(ContainerStatus Status, IReadOnlyList<ContainerLogLine> Log)> RunAsync(ContainerSpec spec)
    {
        await Runtime.CreateAsync(spec);
        await Runtime.StartAsync(spec.Name);
        ContainerStatus status = await Runtime.WaitForExitAsync(spec.Name);
        return (status, (await Runtime.GetLogsAsync(spec.Name, maxLines: 10_000)).Lines);
    }

    public static string[] Output(IReadOnlyList<ContainerLogLine> log) =>
        [.. log.Where(l => l.Stream == ContainerLogStream.StandardOutput).Select(l => l.Text)];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        CgroupDriver? cgroups = null;
        try
        {
            cgroups = await Runtime.CgroupsAsync();
            while (_names.TryDequeue(out string? name))
            {
                await Runtime.DeleteAsync(name);
            }
        }
        catch (IsolationUnavailableException)
        {
            // Nothing was created.
        }

        await Runtime.DisposeAsync();
        foreach (string parent in cgroups?.ParentDirectories ?? [])
        {
            await CgroupFile.RemoveDirectoryAsync(parent, CancellationToken.None);
        }

        if (Directory.Exists(Options.StateDirectory))
        {
            Directory.Delete(Options.StateDirectory, recursive: true);
        }
    }
}

/// <summary>The sandbox tests run one at a time: they measure CPU time on a shared two-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "Sandbox";
}

/// <summary>Keeps every formatted log message, to prove what the runtime never writes.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyCollection<string> Messages => _messages;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
}
