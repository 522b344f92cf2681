using System.Text.Json;

namespace AgentFactory.Core.Templates;

/// <summary>
/// A task the sandbox sends to the agent runtime to prove capabilities. <see cref="Input"/> is the
/// runtime's task input for the template's kind (its shapes are documented in docs/DOMAIN.md); the string
/// <c>${SANDBOX_HTTP}</c> in it is replaced by the sandbox's local test endpoint before the run.
/// </summary>
public sealed record SandboxTestTask
{
    /// <summary>The placeholder the sandbox replaces with the base URL of its local HTTP test endpoint.</summary>
    public const string SandboxHttpPlaceholder = "${SANDBOX_HTTP}";

    /// <summary>Id, unique within the template, e.g. <c>remember-then-recall</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What the task proves, in a sentence.</summary>
    public required string Description { get; init; }

    /// <summary>The template capabilities the task exercises.</summary>
    public required IReadOnlyList<string> Covers { get; init; }

    /// <summary>The task input: a JSON object with an <c>op</c>.</summary>
    public required JsonElement Input { get; init; }

    /// <summary>Assertions on the task's JSON result; all must pass.</summary>
    public required IReadOnlyList<TaskAssertion> Expect { get; init; }

    /// <summary>True when the input targets the sandbox's HTTP endpoint (so the agent needs network).</summary>
    public bool UsesSandboxHttp => Input.GetRawText().Contains(SandboxHttpPlaceholder, StringComparison.Ordinal);
}
