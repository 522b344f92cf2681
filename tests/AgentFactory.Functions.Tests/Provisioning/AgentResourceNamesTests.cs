using System.Text.RegularExpressions;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Provisioning;

namespace AgentFactory.Functions.Tests.Provisioning;

public sealed partial class AgentResourceNamesTests
{
    public static TheoryData<string, string> Inputs => new()
    {
        { "tenant-a", "crm-sync" },
        { "t", "abc" },
        { "Tenant With Spaces/And#Symbols", "memory-agent" },
        { "tenant-a", new string('a', 63) },
        { "tenant-a", "a-" + new string('b', 36) + "-c-d-e-f-g" },
        { "tenant-a", "9starts-with-digit" },
        { "tenant-a", "UPPER_and_under--score" },
        { "tenant-a", "---" },
        { "00000000-0000-0000-0000-000000000000", "x1" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void For_AnyInput_EachNameValidForItsService(string tenant, string agent)
    {
        AgentResourceNames names = AgentResourceNames.For(tenant, agent);

        Assert.Matches(QueueOrBlobName(), names.TaskQueue);
        Assert.Matches(QueueOrBlobName(), names.PoisonQueue);
        Assert.Matches(QueueOrBlobName(), names.BlobContainer);
        Assert.All([names.TaskQueue, names.PoisonQueue, names.BlobContainer], n => Assert.DoesNotContain("--", n, StringComparison.Ordinal));
        Assert.Matches(TableName(), names.Table);
        Assert.True(ContainerSpec.IsValidName(names.Container), names.Container);
        Assert.Equal(names.TaskQueue + "-poison", names.PoisonQueue);
        Assert.Matches("^[0-9a-f]{16}$", names.Hash);
        Assert.EndsWith("-" + names.Hash, names.TaskQueue, StringComparison.Ordinal);
    }

    [Fact]
    public void For_SameInputs_SameNamesPinnedForever()
    {
        // A storage format: provisioned agents are found again by these exact names. The value is
        // SHA-256("8:tenant-a|8:crm-sync")[..16], computed outside .NET.
        AgentResourceNames names = AgentResourceNames.For("tenant-a", "crm-sync");

        Assert.Equal(names, AgentResourceNames.For("tenant-a", "crm-sync"));
        Assert.Equal("crm-sync-" + names.Hash, names.TaskQueue);
        Assert.Equal("crmsync" + names.Hash, names.Table);
        Assert.Equal("dcce0a9ca167ba5a", names.Hash);
    }

    [Fact]
    public void For_SameAgentInAnotherTenant_DifferentNames()
    {
        Assert.NotEqual(AgentResourceNames.For("tenant-a", "crm-sync").TaskQueue, AgentResourceNames.For("tenant-b", "crm-sync").TaskQueue);
    }

    [Fact]
    public void For_LongNamesSharingTheKeptPrefix_DifferentNames()
    {
        string prefix = new('a', AgentResourceNames.MaxSlugLength);

        AgentResourceNames first = AgentResourceNames.For("tenant-a", prefix + "-one");
        AgentResourceNames second = AgentResourceNames.For("tenant-a", prefix + "-two");

        Assert.Equal(first.TaskQueue[..AgentResourceNames.MaxSlugLength], second.TaskQueue[..AgentResourceNames.MaxSlugLength]);
        Assert.NotEqual(first.TaskQueue, second.TaskQueue);
    }

    [Fact]
    public void For_TenantAndNameSplitDifferently_DifferentHashes()
    {
        Assert.NotEqual(AgentResourceNames.For("ab", "c-agent").Hash, AgentResourceNames.For("a", "bc-agent").Hash);
    }

    [Fact]
    public void For_EmptyTenantOrName_Throws()
    {
        Assert.Throws<ArgumentException>(() => AgentResourceNames.For("", "crm-sync"));
        Assert.Throws<ArgumentException>(() => AgentResourceNames.For("tenant", ""));
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    private static partial Regex QueueOrBlobName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();
}
