using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core.Validation;
using CsCheck;

namespace AgentFactory.Core.Tests.Properties;

/// <summary>One structural mistake in the JSON of a valid configuration yields exactly that problem, at its pointer.</summary>
public class JsonMutationPropertyTests
{
    private static readonly (string Code, string Pointer, Action<JsonObject> Apply)[] Mistakes =
    [
        (ValidationCodes.JsonType, "/resources/cpuCores", root => root["resources"]!["cpuCores"] = "two"),
        (ValidationCodes.JsonType, "/templateVersion", root => root["templateVersion"] = 1.5),
        (ValidationCodes.JsonType, "/advanced/environment", root => root["advanced"]!["environment"] = new JsonObject()),
        (ValidationCodes.JsonType, "/execution/mode", root => root["execution"]!["mode"] = 1),
        (ValidationCodes.JsonType, "/capabilities/selected/0", root => root["capabilities"]!["selected"]![0] = new JsonArray()),
        (ValidationCodes.JsonEnum, "/tier", root => root["tier"] = "platinum"),
        (ValidationCodes.JsonEnum, "/settings/kind", root => root["settings"]!["kind"] = "chatbot"),
        (ValidationCodes.JsonUnknownProperty, "/colour", root => root["colour"] = "blue"),
        (ValidationCodes.JsonUnknownProperty, "/resources/gpu", root => root["resources"]!["gpu"] = 1),
        (ValidationCodes.Required, "/name", root => root.Remove("name")),
        (ValidationCodes.Required, "/resources", root => root["resources"] = null),
        (ValidationCodes.Required, "/specializations/languages", root => root["specializations"]!.AsObject().Remove("languages")),
    ];

    [Fact]
    public void Validate_OneJsonMistake_ExactlyThatProblem()
    {
        var rules = Domain.Rules();

        Gen.Select(ConfigurationGen.Valid, Gen.Int[0, Mistakes.Length - 1]).Sample((configuration, index) =>
        {
            var (code, pointer, apply) = Mistakes[index];
            var root = JsonNode.Parse(JsonSerializer.Serialize(configuration, AgentFactoryJson.Options))!.AsObject();
            apply(root);

            var result = rules.Validate(root.ToJsonString());

            Assert.True(result.Problems.Count == 1 && result.Problems[0].Code == code && result.Problems[0].Pointer == pointer,
                $"expected only {code} at {pointer}, got{Environment.NewLine}{result.Describe()}");
        }, iter: 600);
    }
}
