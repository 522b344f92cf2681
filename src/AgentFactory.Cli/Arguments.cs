using System.Globalization;

namespace AgentFactory.Cli;

/// <summary>Thrown for a command line that cannot be run; the message says what to change.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// One command line: positional words and <c>--name value</c> / <c>--name=value</c> options. Options that take no
/// value are named up front; every other option takes the next word. A command reads what it knows, then calls
/// <see cref="EnsureAllUsed"/>, so a misspelt option is an error instead of being ignored.
/// </summary>
internal sealed class Arguments
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>(StringComparer.Ordinal)
    {
        "json", "wait", "history", "all", "help", "same-id",
    };

    private readonly List<string> _positionals = [];
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private int _positionalsUsed;

    private Arguments()
    {
    }

    public IReadOnlyList<string> Positionals => _positionals;

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new Arguments();
        bool onlyPositionals = false;
        for (int i = 0; i < args.Count; i++)
        {
            string word = args[i];
            if (onlyPositionals || !word.StartsWith('-') || word == "-")
            {
                parsed._positionals.Add(word);
                continue;
            }

            if (word == "--")
            {
                onlyPositionals = true;
                continue;
            }

            if (word is "-h")
            {
                word = "--help";
            }

            if (!word.StartsWith("--", StringComparison.Ordinal) || word.Length == 2)
            {
                throw new UsageException($"'{word}' is not an option; options are written --name.");
            }

            string name = word[2..];
            string? value = null;
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (Flags.Contains(name))
            {
                if (value is not null && value is not ("true" or "false"))
                {
                    throw new UsageException($"--{name} takes no value.");
                }

                value ??= "true";
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                value = args[++i];
            }

            if (!parsed._options.TryAdd(name, value))
            {
                throw new UsageException($"--{name} is given twice.");
            }
        }

        return parsed;
    }

    public bool Flag(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out string? value) && value == "true";
    }

    public string? Option(string name)
    {
        _used.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public string RequiredOption(string name) =>
        Option(name) is { Length: > 0 } value ? value : throw new UsageException($"--{name} is required.");

    public int? IntOption(string name, int min, int max)
    {
        if (Option(name) is not { } text)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"--{name} must be a whole number from {min} to {max}; got '{text}'.");
    }

    /// <summary>The next positional word, named <paramref name="what"/> in the error when it is missing.</summary>
    public string Next(string what) =>
        NextOrNull() ?? throw new UsageException($"Missing {what}.");

    public string? NextOrNull() =>
        _positionalsUsed < _positionals.Count ? _positionals[_positionalsUsed++] : null;

    public void EnsureAllUsed()
    {
        string[] unknown = [.. _options.Keys.Where(k => !_used.Contains(k)).Order(StringComparer.Ordinal)];
        if (unknown.Length > 0)
        {
            throw new UsageException($"Unknown option{(unknown.Length > 1 ? "s" : "")} for this command: {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }

        if (_positionalsUsed < _positionals.Count)
        {
            throw new UsageException($"Unexpected argument '{_positionals[_positionalsUsed]}'.");
        }
    }
}
