using System.Text.Json;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Configuration.Settings;
using AgentFactory.Core.Templates;

namespace AgentFactory.AgentRuntime.Kinds.Blank;

/// <summary>
/// The blank agent: <c>echo</c> returns its message unchanged, <c>describe</c> lists the agent's kind and
/// capabilities (custom ones included) and its settings' property names. An op named after a declared custom
/// capability is accepted and echoed back: the stub a user's own handler replaces.
/// </summary>
internal sealed class BlankHandler(AgentConfiguration configuration) : IAgentHandler
{
    public Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken)
    {
        var custom = configuration.Capabilities.Custom ?? [];
        object result = op switch
        {
            // null is a message too: only an absent one is a mistake.
            "echo" => new { echo = input.TryGetProperty("message", out var message) ? message : throw JsonInput.Invalid("message", "present (any JSON value)") },
            "describe" => new
            {
                kind = JsonNamingPolicy.CamelCase.ConvertName(TemplateCategory.Custom.ToString()),
                name = configuration.Name,
                templateId = configuration.TemplateId,
                templateVersion = configuration.TemplateVersion,
                capabilities = (configuration.Capabilities.Selected ?? []).Concat(custom).Distinct(StringComparer.Ordinal).ToList(),
                customCapabilities = custom,
                properties = (configuration.Settings as CustomSettings)?.Properties.Keys.Order(StringComparer.Ordinal).ToList() ?? [],
            },
            _ when custom.Contains(op, StringComparer.Ordinal) => new { capability = op, accepted = true, input },
            _ => throw new TaskInputException($"Unknown op '{op}' for a blank agent: use echo, describe or one of its custom capabilities."),
        };
        return Task.FromResult(result);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
