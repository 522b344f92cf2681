namespace AgentFactory.Functions.Tests.Hosting;

/// <summary>One app for the hosting tests that need no settings of their own (starting one costs a second or two).</summary>
[CollectionDefinition(Name)]
public sealed class HostingCollection : ICollectionFixture<SecuredApp>
{
    public const string Name = "Hosting";
}
