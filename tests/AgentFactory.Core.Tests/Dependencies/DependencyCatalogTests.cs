using AgentFactory.Core.Dependencies;

namespace AgentFactory.Core.Tests.Dependencies;

public class DependencyCatalogTests
{
    [Fact]
    public void LoadEmbedded_HasRequirementsForEveryTemplateButBlank()
    {
        var withRequirements = Domain.Dependencies.TemplateRequirements.Select(r => r.TemplateId).Order();

        Assert.Equal(Domain.TemplateIds.Where(id => id != "tmpl-blank").Order(), withRequirements);
        Assert.Contains("CsvHelper", Domain.Dependencies.RequirementsFor("tmpl-data").Single().AnyOf);
    }

    [Fact]
    public void FindPackage_IgnoresCase()
    {
        Assert.Equal("CsvHelper", Domain.Dependencies.FindPackage("csvhelper")!.Name);
        Assert.Null(Domain.Dependencies.FindPackage("left-pad"));
    }

    [Fact]
    public void Create_UnknownNamesAndVersions_ListsEveryProblem()
    {
        var document = new DependencyCatalogDocument
        {
            Packages = [new PackageInfo { Name = "A", Description = "a", Versions = ["1.0.0"] }, new PackageInfo { Name = "a", Description = "dup", Versions = [] }],
            Conflicts = [new PackageConflict { Package = "A", Versions = ["9.9.9"], With = "B", Reason = "r" }],
            TemplateRequirements = [new TemplateRequirement { TemplateId = "tmpl-x", AnyOf = ["C"], Reason = "r" }],
        };

        var exception = Assert.Throws<CatalogException>(() => DependencyCatalog.Create(document));

        Assert.Equal(5, exception.Problems.Count);
    }
}
