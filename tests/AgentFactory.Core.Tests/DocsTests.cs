using System.Reflection;
using AgentFactory.Core.Validation;
using AgentFactory.Core.Validation.Rules;

namespace AgentFactory.Core.Tests;

/// <summary>docs/DOMAIN.md is the reference clients read: it must name every code and reserved name.</summary>
public class DocsTests
{
    private static readonly Lazy<string> Domain = new(() =>
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "docs", "DOMAIN.md");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }

        throw new FileNotFoundException("docs/DOMAIN.md not found above the test output directory.");
    });

    [Fact]
    public void DomainDoc_ListsEveryValidationCode()
    {
        var codes = typeof(ValidationCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);

        Assert.All(codes, code => Assert.Contains($"`{code}`", Domain.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void DomainDoc_ListsEveryReservedName()
    {
        Assert.All(EnvironmentRules.ReservedNames.Concat(EnvironmentRules.ReservedPrefixes), name => Assert.Contains($"`{name}`", Domain.Value, StringComparison.Ordinal));
    }
}
