using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

/// <summary>The raw-JSON entry point: structural problems come back with pointers, never as exceptions.</summary>
public class JsonValidationTests
{
    // Parsed from text: a node made by the web-default options would match property names ignoring case.
    private static JsonObject DefaultJson(string template = "tmpl-api") =>
        JsonNode.Parse(JsonSerializer.Serialize(Domain.Default(template), AgentFactoryJson.Options))!.AsObject();

    private static ValidationResult Validate(JsonNode node) => Domain.Rules().Validate(node.ToJsonString());

    [Fact]
    public void Validate_NotJson_ReportsSyntaxWithPosition()
    {
        var problem = Domain.AssertSingle(Domain.Rules().Validate("{\"name\": \"abc\",\n  oops }"), ValidationCodes.JsonSyntax, "");

        Assert.Contains("line 2", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    public void Validate_RootNotAnObject_ReportsTypeAtRoot(string json)
    {
        Domain.AssertSingle(Domain.Rules().Validate(json), ValidationCodes.JsonType, "");
    }

    [Fact]
    public void Validate_NullTextOrUndefinedElement_ReportsInsteadOfThrowing()
    {
        Domain.AssertSingle(Domain.Rules().Validate((string?)null), ValidationCodes.Required, "");
        Domain.AssertSingle(Domain.Rules().Validate(default(JsonElement)), ValidationCodes.JsonType, "");
    }

    [Fact]
    public void Validate_EmptyObject_ReportsEveryRequiredField()
    {
        var result = Domain.Rules().Validate("{}");

        Assert.Equal(
            ["/templateId", "/templateVersion", "/name", "/tier", "/capabilities", "/specializations", "/resources", "/settings", "/execution"],
            result.Problems.Select(p => p.Pointer));
        Assert.All(result.Problems, p => Assert.Equal(ValidationCodes.Required, p.Code));
    }

    [Fact]
    public void Validate_ManyMistakes_ReportsEachWithItsPointer()
    {
        var json = DefaultJson();
        json["name"] = "Bad Name";
        json["tier"] = "gold";
        json["resources"]!["cpuCores"] = "two";
        json["resources"]!["memoryMb"] = 1.5;
        json["capabilities"]!["selected"]!.AsArray().Add(7);
        json["advanced"]!["environment"]!.AsArray().Add(new JsonObject { ["name"] = "2FA", ["value"] = "x" });
        json["advanced"]!["environment"]!.AsArray().Add(JsonValue.Create("A=B"));
        json["execution"]!["mode"] = "sometimes";
        json["settings"]!["timeoutSeconds"] = JsonValue.Create(true);

        var result = Validate(json);

        var expected = new[]
        {
            ("/name", ValidationCodes.NameFormat),
            ("/tier", ValidationCodes.JsonEnum),
            ("/resources/cpuCores", ValidationCodes.JsonType),
            ("/resources/memoryMb", ValidationCodes.JsonType),
            ("/capabilities/selected/4", ValidationCodes.JsonType),
            ("/advanced/environment/1/name", ValidationCodes.EnvironmentNameFormat),
            ("/advanced/environment/2", ValidationCodes.JsonType),
            ("/execution/mode", ValidationCodes.JsonEnum),
            ("/settings/timeoutSeconds", ValidationCodes.JsonType),
        };
        Assert.Equal(expected.Order(), result.Problems.Select(p => (p.Pointer, p.Code)).Order());
    }

    [Fact]
    public void Validate_UnknownProperty_ReportedWithACaseHint()
    {
        var json = DefaultJson();
        json["resources"]!["CpuCores"] = 1;
        json["colour"] = "blue";

        var result = Validate(json);

        Assert.Equal([("/resources/CpuCores", ValidationCodes.JsonUnknownProperty), ("/colour", ValidationCodes.JsonUnknownProperty)],
            result.Problems.Select(p => (p.Pointer, p.Code)));
        Assert.Contains("did you mean 'cpuCores'", result.Problems[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateProperty_Reported()
    {
        var text = DefaultJson().ToJsonString().Replace("\"tier\":\"starter\"", "\"tier\":\"starter\",\"tier\":\"starter\"", StringComparison.Ordinal);

        Domain.AssertSingle(Domain.Rules().Validate(text), ValidationCodes.JsonDuplicateProperty, "/tier");
    }

    [Fact]
    public void Validate_EnumValues_AcceptedCaseInsensitivelyLikeTheSerializer()
    {
        var json = DefaultJson();
        json["tier"] = "Starter";

        Domain.AssertValid(Validate(json));
    }

    [Fact]
    public void Validate_SettingsWithoutKind_ReportsOnlyTheKind()
    {
        var json = DefaultJson();
        json["settings"]!.AsObject().Remove("kind");

        Domain.AssertSingle(Validate(json), ValidationCodes.Required, "/settings/kind");
    }

    [Fact]
    public void Validate_SettingsKindUnknown_ReportsEnum()
    {
        var json = DefaultJson();
        json["settings"]!["kind"] = "chatbot";

        var problem = Domain.AssertSingle(Validate(json), ValidationCodes.JsonEnum, "/settings/kind");

        Assert.Contains("memory, orchestration, api, data, monitoring, custom", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AdvancedOmitted_DefaultsAndOnlyTemplateRequirementsApply()
    {
        var json = DefaultJson("tmpl-blank");
        json.Remove("advanced");

        Domain.AssertValid(Validate(json));
    }

    [Fact]
    public void Validate_OnDemandLoadMissing_ReportsRequired()
    {
        var json = DefaultJson();
        json["execution"]!.AsObject().Remove("expectedTasksPerDay");

        Domain.AssertSingle(Validate(json), ValidationCodes.Required, "/execution/expectedTasksPerDay");
    }

    [Fact]
    public void Validate_NumbersOutOfIntRange_ReportTypeNotOverflow()
    {
        var json = DefaultJson();
        json["templateVersion"] = 1e20;
        json["resources"]!["storageGb"] = JsonValue.Create(99999999999L);

        var result = Validate(json);

        Assert.Equal(["/templateVersion", "/resources/storageGb"], result.Problems.Select(p => p.Pointer));
        Assert.All(result.Problems, p => Assert.Equal(ValidationCodes.JsonType, p.Code));
    }

    [Fact]
    public void Validate_DeeplyNestedUnknownValue_ReportedNotWalked()
    {
        var deep = string.Concat(Enumerable.Repeat("[", 5000)) + string.Concat(Enumerable.Repeat("]", 5000));
        var text = DefaultJson().ToJsonString().Insert(1, $"\"deep\":{deep},");
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 6000 });

        Domain.AssertSingle(Domain.Rules().Validate(document.RootElement), ValidationCodes.JsonUnknownProperty, "/deep");
        Domain.AssertSingle(Domain.Rules().Validate(text), ValidationCodes.JsonSyntax, "");
    }

    [Fact]
    public void Validate_PointerTokens_EscapedPerRfc6901()
    {
        var json = DefaultJson();
        json["a/b~c"] = 1;

        Domain.AssertSingle(Validate(json), ValidationCodes.JsonUnknownProperty, "/a~1b~0c");
    }

    [Fact]
    public void Validate_SecretGivenAsWrongType_NeverEchoed()
    {
        var json = DefaultJson();
        json["advanced"]!["environment"]![0]!["value"] = 987654321;
        json["advanced"]!["environment"]!.AsArray().Add(new JsonObject { ["name"] = "PIN", ["value"] = new JsonArray(135792468), ["secret"] = true });

        var result = Validate(json);

        Assert.Equal(["/advanced/environment/0/value", "/advanced/environment/1/value"], result.Problems.Select(p => p.Pointer));
        Assert.All(result.Problems, p => Assert.DoesNotContain("987654321", p.Message, StringComparison.Ordinal));
        Assert.All(result.Problems, p => Assert.DoesNotContain("135792468", p.Message, StringComparison.Ordinal));
    }
}
