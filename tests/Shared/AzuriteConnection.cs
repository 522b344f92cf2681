using System.Diagnostics;

namespace AgentFactory.Testing;

/// <summary>
/// The Azurite that storage tests use: the one scripts/test.sh started (AGENTFACTORY_STORAGE), or, when a
/// developer runs `dotnet test` directly, one started here through scripts/azurite.sh and stopped at exit.
/// Linked into each test project that talks to storage.
/// </summary>
internal static class AzuriteConnection
{
    private static readonly Lazy<string> Connection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => Connection.Value;

    private static string Start()
    {
        if (Environment.GetEnvironmentVariable("AGENTFACTORY_STORAGE") is { Length: > 0 } existing)
        {
            return existing;
        }

        string root = RepositoryRoot();
        string dir = Path.Combine(root, ".azurite", "dotnet-test-" + Environment.ProcessId);
        string connection = Run(root, "start", dir).Trim();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Run(root, "stop", dir);
        return connection;
    }

    private static string Run(string root, string command, string dir)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "azurite.sh"), command, dir])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/azurite.sh {command} failed ({process.ExitCode}): {error}");
        }

        return output;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgentFactory.Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (AgentFactory.Functions.sln) above " + AppContext.BaseDirectory);
    }
}
