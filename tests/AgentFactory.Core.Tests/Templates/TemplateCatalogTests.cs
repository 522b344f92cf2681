using System.Text.Json;
using AgentFactory.Core.Templates;

namespace AgentFactory.Core.Tests.Templates;

public class TemplateCatalogTests
{
    [Fact]
    public void LoadEmbedded_SixTemplates_OnePerCategory()
    {
        var templates = Domain.Templates.List();

        Assert.Equal(
            ["tmpl-api", "tmpl-blank", "tmpl-data", "tmpl-memory", "tmpl-monitoring", "tmpl-orchestration"],
            templates.Select(t => t.Id));
        Assert.Equal(Enum.GetValues<TemplateCategory>().Order(), templates.Select(t => t.Category).Order());
    }

    [Theory]
    [InlineData(TemplateCategory.Memory, "tmpl-memory")]
    [InlineData(TemplateCategory.Custom, "tmpl-blank")]
    public void List_ByCategory_ReturnsThatCategoryOnly(TemplateCategory category, string expected)
    {
        var templates = Domain.Templates.List(new TemplateFilter { Category = category });

        Assert.Equal(expected, Assert.Single(templates).Id);
    }

    [Fact]
    public void List_ByComplexity_MatchesTheBrief()
    {
        string[] Ids(TemplateComplexity complexity) =>
            Domain.Templates.List(new TemplateFilter { Complexity = complexity }).Select(t => t.Id).ToArray();

        Assert.Equal(["tmpl-api", "tmpl-monitoring"], Ids(TemplateComplexity.Low));
        Assert.Equal(["tmpl-data", "tmpl-memory"], Ids(TemplateComplexity.Medium));
        Assert.Equal(["tmpl-blank", "tmpl-orchestration"], Ids(TemplateComplexity.High));
    }

    [Fact]
    public void List_ByCategoryAndComplexity_BothApply()
    {
        Assert.Empty(Domain.Templates.List(new TemplateFilter { Category = TemplateCategory.Api, Complexity = TemplateComplexity.High }));
        Assert.Single(Domain.Templates.List(new TemplateFilter { Category = TemplateCategory.Api, Complexity = TemplateComplexity.Low }));
    }

    [Fact]
    public void Get_UnknownIdOrVersion_ReturnsNull()
    {
        Assert.Null(Domain.Templates.Get("tmpl-nope"));
        Assert.Null(Domain.Templates.Get("tmpl-memory", 99));
        Assert.NotNull(Domain.Templates.Get("tmpl-memory", 1));
    }

    [Fact]
    public void Get_SeveralVersions_LatestByDefaultAndPinnedOnRequest()
    {
        var v1 = Domain.Template("tmpl-api");
        var v2 = v1 with { Version = 2, Description = "API Agent, second edition." };
        var catalog = TemplateCatalog.Create([v2, v1]);

        Assert.Equal(2, catalog.Get("tmpl-api")!.Version);
        Assert.Same(v1, catalog.Get("tmpl-api", 1));
        Assert.Equal([1, 2], catalog.Versions("tmpl-api").Select(t => t.Version));
        Assert.Equal(2, Assert.Single(catalog.List()).Version);
        Assert.Equal(2, catalog.All.Count);
    }

    [Fact]
    public void Create_DuplicateVersion_Throws()
    {
        var template = Domain.Template("tmpl-api");

        var exception = Assert.Throws<CatalogException>(() => TemplateCatalog.Create([template, template]));

        Assert.Contains("defined 2 times", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_IncompleteTemplate_ListsEveryProblem()
    {
        var template = Domain.Template("tmpl-memory");
        var broken = template with
        {
            Resources = template.Resources with { Default = template.Resources.Minimum with { CpuCores = 0.5m, MemoryMb = 512 } },
            TestTasks = template.TestTasks.Where(t => !t.Covers.Contains("context_retrieval")).Take(2).ToList(),
            RequiredCapabilities = [.. template.RequiredCapabilities, "Not-Snake"],
        };

        var exception = Assert.Throws<CatalogException>(() => TemplateCatalog.Create([broken]));

        Assert.Contains(exception.Problems, p => p.Contains("below the minimum", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("at least 3 test tasks", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("covers required capability 'context_retrieval'", StringComparison.Ordinal));
        Assert.Contains(exception.Problems, p => p.Contains("'Not-Snake' is not snake_case", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_TaskUsesSandboxHttpWithoutNetwork_Throws()
    {
        var template = Domain.Template("tmpl-api") with { Execution = new ExecutionNeeds { NetworkAccess = false } };

        var exception = Assert.Throws<CatalogException>(() => TemplateCatalog.Create([template]));

        Assert.Contains(exception.Problems, p => p.Contains("no network access", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Domain.TemplateIdData), MemberType = typeof(Domain))]
    public void Serialize_Template_RoundTripsForTableSeeding(string id)
    {
        var template = Domain.Template(id);

        var json = JsonSerializer.Serialize(template, AgentFactoryJson.Options);
        var back = JsonSerializer.Deserialize<AgentTemplate>(json, AgentFactoryJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, AgentFactoryJson.Options));
        Assert.Contains($"\"category\":\"{JsonNamingPolicy.CamelCase.ConvertName(template.Category.ToString())}\"", json, StringComparison.Ordinal);
        Assert.Equal(template.TestTasks.Count, TemplateCatalog.Create([back]).Get(id)!.TestTasks.Count);
    }
}
