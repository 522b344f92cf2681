using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>
/// One task: an id and an input (<c>{op, …}</c>). Sandbox tasks also carry the capabilities they cover and their
/// assertions (a <see cref="SandboxTestTask"/>); a service queue message is <c>{id, input}</c>.
/// </summary>
internal sealed record AgentTask(string Id, JsonElement Input)
{
    public IReadOnlyList<string> Covers { get; init; } = [];

    public IReadOnlyList<TaskAssertion> Expect { get; init; } = [];

    /// <summary>Reads a task object; throws <see cref="TaskInputException"/> saying what is wrong with it.</summary>
    public static AgentTask Parse(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new TaskInputException("A task must be a JSON object {id, input}.");
        }

        var id = element.RequiredString("id", 256);
        var input = element.RequiredObject("input");
        var expect = element.Field("expect") is { } assertions
            ? Deserialize<List<TaskAssertion>>(assertions, "expect")
            : [];
        return new AgentTask(id, input.Clone())
        {
            Covers = element.StringArray("covers", 50, 64),
            Expect = expect,
        };
    }

    /// <summary>The input's <c>op</c>.</summary>
    public string Op => Input.RequiredString("op", 64);

    private static T Deserialize<T>(JsonElement element, string name)
    {
        try
        {
            return element.Deserialize<T>(AgentFactoryJson.Options) ?? throw JsonInput.Invalid(name, "present");
        }
        catch (JsonException e)
        {
            throw new TaskInputException($"'{name}' is not a list of assertions {{path, kind, value}}: {e.Message}", e);
        }
    }
}
