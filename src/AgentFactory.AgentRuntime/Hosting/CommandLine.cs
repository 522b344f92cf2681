using System.Globalization;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>The program's command and options, parsed from its arguments (see <see cref="Usage"/>).</summary>
internal sealed record CommandLine(string Command, IReadOnlyDictionary<string, string> Options, IReadOnlySet<string> Flags)
{
    public const string Usage = """
        Usage:
          AgentFactory.AgentRuntime sandbox --config <file.json> [--tasks <file.json>|-] [--assert] [--task-timeout <seconds>]
          AgentFactory.AgentRuntime service --config <file.json>
          AgentFactory.AgentRuntime health [--max-age <seconds>] [--config <file.json>]
          AgentFactory.AgentRuntime endpoint [--port <port>]
        The configuration is the agent's AgentConfiguration JSON; secrets come from environment variables only.
        Environment: AGENT_STORAGE (or AGENT_STORAGE_ACCOUNT + AGENT_STORAGE_CLIENT_ID), AGENT_QUEUE, AGENT_STATE_DIR, SANDBOX_HTTP and more (docs/AGENT-RUNTIME.md).
        """;

    private static readonly HashSet<string> KnownFlags = ["--assert", "--help"];
    private static readonly HashSet<string> KnownOptions = ["--config", "--tasks", "--task-timeout", "--max-age", "--port"];

    /// <summary>Parses <paramref name="args"/>; null with <paramref name="error"/> when they make no sense.</summary>
    public static CommandLine? Parse(IReadOnlyList<string> args, out string error)
    {
        error = "";
        if (args.Count == 0)
        {
            error = "No command given.";
            return null;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i++)
        {
            if (KnownFlags.Contains(args[i]))
            {
                flags.Add(args[i]);
            }
            else if (KnownOptions.Contains(args[i]) && i + 1 < args.Count)
            {
                options[args[i]] = args[++i];
            }
            else
            {
                error = $"Unknown or incomplete argument '{args[i]}'.";
                return null;
            }
        }

        return new CommandLine(args[0], options, flags);
    }

    public string? Get(string option) => Options.GetValueOrDefault(option);

    public bool Has(string flag) => Flags.Contains(flag);

    public double? Number(string option) =>
        Get(option) is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : null;
}
