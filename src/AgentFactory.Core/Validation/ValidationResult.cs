using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Validation;

/// <summary>Every problem found in one configuration, and the configuration as read (when it could be read).</summary>
public sealed record ValidationResult
{
    /// <summary>All problems, in document order of the rules; empty when valid.</summary>
    public required IReadOnlyList<ValidationProblem> Problems { get; init; }

    /// <summary>
    /// The configuration that was validated: the input of the typed entry points, or what could be read from JSON
    /// (null when the JSON was not an object). May be partial when <see cref="Problems"/> has <c>json.*</c> or <c>required</c> codes.
    /// </summary>
    public AgentConfiguration? Configuration { get; init; }

    /// <summary>True when there is no problem.</summary>
    public bool IsValid => Problems.Count == 0;
}
