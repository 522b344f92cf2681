using AgentFactory.Core.Configuration;
using AgentFactory.Core.Validation;

namespace AgentFactory.Core.Tests.Validation;

public class AgentConfigurationValidatorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly ValidationTarget TenantA = new("tenant-a", "eastus");

    private static AgentConfigurationValidator Validator(IAgentNameRegistry? names = null, ICapacityProvider? capacity = null) =>
        new(Domain.Rules(), names ?? new InMemoryAgentNameRegistry(), capacity ?? ConfiguredCapacityProvider.AciDefaultQuota);

    [Fact]
    public async Task ValidateAsync_NameTakenInTenant_ReportsTaken()
    {
        var names = new InMemoryAgentNameRegistry();
        Assert.True(names.TryReserve("tenant-a", "support-agent"));

        var taken = await Validator(names).ValidateAsync(TenantA, Domain.Default("tmpl-blank")).WaitAsync(Timeout);
        var elsewhere = await Validator(names).ValidateAsync(TenantA with { TenantId = "tenant-b" }, Domain.Default("tmpl-blank")).WaitAsync(Timeout);

        Domain.AssertSingle(taken, ValidationCodes.NameTaken, "/name");
        Domain.AssertValid(elsewhere);
    }

    [Fact]
    public async Task ValidateAsync_MalformedName_DoesNotAskTheRegistry()
    {
        var names = new CountingRegistry();

        var result = await Validator(names).ValidateAsync(TenantA, Domain.Default("tmpl-blank", "Bad Name")).WaitAsync(Timeout);

        Domain.AssertSingle(result, ValidationCodes.NameFormat);
        Assert.Equal(0, names.Calls);
    }

    [Fact]
    public async Task ValidateAsync_NotEnoughFreeCores_ReportsCapacity()
    {
        var capacity = new ConfiguredCapacityProvider(new CapacitySnapshot(100, 100_000), new Dictionary<(string, string), CapacitySnapshot>
        {
            [("tenant-a", "eastus")] = new(0.5m, 100_000),
        });

        var result = await Validator(capacity: capacity).ValidateAsync(TenantA, Domain.Default("tmpl-memory")).WaitAsync(Timeout);
        var otherRegion = await Validator(capacity: capacity).ValidateAsync(TenantA with { Region = "westeurope" }, Domain.Default("tmpl-memory")).WaitAsync(Timeout);

        Domain.AssertSingle(result, ValidationCodes.CapacityCpuInsufficient, "/resources/cpuCores");
        Domain.AssertValid(otherRegion);
    }

    [Fact]
    public async Task ValidateAsync_MemoryCheckedAsProvisioned_512MbNeedsOneGigabyteOnAci()
    {
        var capacity = new ConfiguredCapacityProvider(new CapacitySnapshot(10, 1000));

        var result = await Validator(capacity: capacity).ValidateAsync(TenantA, Domain.Default("tmpl-monitoring")).WaitAsync(Timeout);

        var problem = Domain.AssertSingle(result, ValidationCodes.CapacityMemoryInsufficient, "/resources/memoryMb");
        Assert.Contains("1,024 MB", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateAsync_Json_RunsRulesAndSeams()
    {
        var names = new InMemoryAgentNameRegistry();
        names.TryReserve("tenant-a", "support-agent");
        var json = System.Text.Json.JsonSerializer.Serialize(Domain.Default("tmpl-data") with { Description = new string('d', 300) }, AgentFactoryJson.Options);

        var result = await Validator(names).ValidateAsync(TenantA, json).WaitAsync(Timeout);

        Assert.Equal([ValidationCodes.DescriptionLength, ValidationCodes.NameTaken], result.Codes().Order());
    }

    [Fact]
    public async Task ValidateAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Validator().ValidateAsync(TenantA, Domain.Default("tmpl-blank"), cancelled.Token)).WaitAsync(Timeout);
    }

    [Fact]
    public void InMemoryAgentNameRegistry_ReserveIsInsertOnly_ReleaseFreesTheName()
    {
        var names = new InMemoryAgentNameRegistry();

        Assert.True(names.TryReserve("t", "n"));
        Assert.False(names.TryReserve("t", "n"));
        Assert.True(names.Release("t", "n"));
        Assert.True(names.TryReserve("t", "n"));
    }

    private sealed class CountingRegistry : IAgentNameRegistry
    {
        public int Calls { get; private set; }

        public Task<bool> IsTakenAsync(string tenantId, string name, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(false);
        }
    }
}
