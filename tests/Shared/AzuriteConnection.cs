using System.Diagnostics;

namespace AgentFactory.Testing;

/// <summary>
/// The Azurite that storage tests use: the one scripts/test.sh started (AGENTFACTORY_STORAGE), or, when a
/// developer runs `dotnet test` directly, one started here through scripts/azurite.sh and stopped at exit.
/// Linked into each test project that talks to storage.
/// </summary>
internal static class AzuriteConnection
{
    /// <summary>The second account scripts/azurite.sh has every Azurite serve (AZURITE_ACCOUNTS there).</summary>
    public const string AgentsAccount = "agentsaccount";

    // As public as Azurite's own devstoreaccount1 key: the same value is in scripts/azurite.sh.
    private const string AgentsAccountKey = "WnDQvtyuPedPrJDdnSq+5wsAjixN5359XSBWZdVQQngd0k448YRhc6lJRx2ObKkrU21KEdQ9E53l3rgf8NG8IA==";

    private static readonly Lazy<string> Connection = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The default account, devstoreaccount1.</summary>
    public static string ConnectionString => Connection.Value;

    /// <summary>
    /// The same Azurite's second account (<see cref="AgentsAccount"/>): AGENTFACTORY_AGENTS_STORAGE when set, else
    /// <see cref="ConnectionString"/> with that account's name, key and endpoint paths.
    /// </summary>
    public static string AgentsConnectionString => Environment.GetEnvironmentVariable("AGENTFACTORY_AGENTS_STORAGE") is { Length: > 0 } set
        ? set
        : OtherAccount(ConnectionString, AgentsAccount, AgentsAccountKey);

    private static string OtherAccount(string connection, string account, string key)
    {
        Dictionary<string, string> parts = connection.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("AccountName", out string? name) || !parts.ContainsKey("QueueEndpoint"))
        {
            throw new InvalidOperationException("AGENTFACTORY_STORAGE names no account and endpoints (as scripts/azurite.sh prints): "
                + "set AGENTFACTORY_AGENTS_STORAGE to the agents' account of the same Azurite.");
        }

        return string.Join(';', parts.Select(p => p.Key switch
        {
            _ when p.Key.Equals("AccountName", StringComparison.OrdinalIgnoreCase) => "AccountName=" + account,
            _ when p.Key.Equals("AccountKey", StringComparison.OrdinalIgnoreCase) => "AccountKey=" + key,
            _ when p.Key.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase) => p.Key + "=" + p.Value.Replace("/" + name, "/" + account, StringComparison.Ordinal),
            _ => p.Key + "=" + p.Value,
        })) + ";";
    }

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
