using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;
using AgentFactory.Functions.Provisioning;
using AgentFactory.Functions.Tests.Containers;
using Xunit.Abstractions;

namespace AgentFactory.Functions.Tests.Provisioning;

/// <summary>
/// Provisioning against Azurite and the real bubblewrap runtime. In the sandbox collection: its containers share
/// the machine's two cores with the runtime's CPU measurements, so they never run beside those tests.
/// </summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class ProvisionerTests(SandboxFixture sandbox, ProvisioningFixture fixture, ITestOutputHelper output) : IClassFixture<ProvisioningFixture>
{
    private readonly BubblewrapContainerRuntime _runtime = sandbox.Runtime;

    [Theory(Timeout = 60_000)]
    [InlineData("tmpl-memory")]
    [InlineData("tmpl-data")]
    public async Task ProvisionAsync_Agent_EveryResourceExistsAndTheContainerRuns(string templateId)
    {
        ProvisioningPlan plan = fixture.Plan(templateId, ProvisioningFixture.NewTenant(), secret: "s3cret-" + Guid.NewGuid().ToString("N"));
        Provisioner provisioner = fixture.Provisioner(_runtime);
        try
        {
            ProvisioningResult result = await ProvisioningFixture.ProvisionRunningAsync(provisioner, plan, _runtime);

            Existing existing = await fixture.ListAsync(plan, _runtime);
            Assert.Equal([plan.Names.TaskQueue, plan.Names.PoisonQueue], existing.Queues);
            Assert.Equal([plan.Names.BlobContainer], existing.BlobContainers);
            Assert.Equal(plan.NeedsTable ? [plan.Names.Table] : [], existing.Tables);
            Assert.Equal(["alert:" + plan.Names.AgentName, "check:" + plan.Names.AgentName], existing.MonitoringRows);
            Assert.Equal(ContainerState.Running, (await _runtime.GetStatusAsync(plan.Names.Container)).State);
            Assert.All(result.Resources, r => Assert.Equal(ResourceChange.Created, r.Change));
            Assert.Equal(plan.Steps, result.Steps.Select(s => s.Step));

            string config = await File.ReadAllTextAsync(Path.Combine(existing.Container!.WorkDirectory, "config", "config.json"));
            Assert.Equal(plan.RedactedConfigurationJson, config);
            Assert.Contains("\"value\":\"***\"", config, StringComparison.Ordinal);
            Assert.Equal(["API_TOKEN"], existing.Container.SecretEnvironmentNames);
            Assert.Equal(plan.Names.TaskQueue, existing.Container.Environment["AGENT_TASK_QUEUE"]);
            Assert.Equal((plan.TenantId, plan.DeploymentId), (existing.Container.Labels["tenant"], existing.Container.Labels["deployment"]));
            string secret = plan.Container.Environment.Single(e => e.IsSecret).Value;
            Assert.All(result.Resources, r => Assert.DoesNotContain(secret, r.ToString(), StringComparison.Ordinal));
        }
        finally
        {
            await provisioner.DeprovisionAsync(plan);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ProvisionAsync_Twice_SameResourcesNothingDuplicated()
    {
        ProvisioningPlan plan = fixture.Plan("tmpl-memory", ProvisioningFixture.NewTenant());
        Provisioner provisioner = fixture.Provisioner(_runtime);
        try
        {
            await ProvisioningFixture.ProvisionRunningAsync(provisioner, plan, _runtime);
            Existing first = await fixture.ListAsync(plan, _runtime);
            ContainerStatus running = await _runtime.GetStatusAsync(plan.Names.Container);
            long before = fixture.Storage.Requests.Total;

            ProvisioningResult again = await provisioner.ProvisionAsync(plan);

            long requests = fixture.Storage.Requests.Total - before;
            Existing second = await fixture.ListAsync(plan, _runtime);
            Assert.True(again.Unchanged, string.Join("; ", again.Resources));
            Assert.Equal([.. first.Queues, .. first.BlobContainers, .. first.Tables, .. first.MonitoringRows],
                [.. second.Queues, .. second.BlobContainers, .. second.Tables, .. second.MonitoringRows]);
            Assert.Equal(7, second.Queues.Length + second.BlobContainers.Length + second.Tables.Length + second.MonitoringRows.Length + 1);
            Assert.Equal(first.Container!.CreatedAt, second.Container!.CreatedAt);
            // Not restarted: the same run goes on.
            Assert.Equal(running, await _runtime.GetStatusAsync(plan.Names.Container));
            output.WriteLine($"repeated provisioning of a memory agent: {requests} storage requests");
        }
        finally
        {
            await provisioner.DeprovisionAsync(plan);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task DeprovisionAsync_AfterProvisioning_LeavesNothingBehindAndTwiceFindsNothing()
    {
        ProvisioningPlan plan = fixture.Plan("tmpl-memory", ProvisioningFixture.NewTenant());
        Provisioner provisioner = fixture.Provisioner(_runtime);
        await ProvisioningFixture.ProvisionRunningAsync(provisioner, plan, _runtime);
        string work = (await _runtime.GetAsync(plan.Names.Container))!.WorkDirectory;

        ProvisioningResult removed = await provisioner.DeprovisionAsync(plan);
        ProvisioningResult again = await provisioner.DeprovisionAsync(plan);

        Assert.True((await fixture.ListAsync(plan, _runtime)).Nothing);
        Assert.False(Directory.Exists(work));
        Assert.False(Directory.Exists(Path.Combine(sandbox.Options.StateDirectory, plan.Names.Container)));
        Assert.Equal([ProvisioningStepKind.Monitoring, ProvisioningStepKind.Container, ProvisioningStepKind.Storage, ProvisioningStepKind.Queue],
            removed.Steps.Select(s => s.Step));
        Assert.All(removed.Resources, r => Assert.Equal(ResourceChange.Deleted, r.Change));
        Assert.Equal(7, removed.Resources.Count());
        Assert.All(again.Resources, r => Assert.Equal(ResourceChange.Absent, r.Change));
    }

    [Fact(Timeout = 60_000)]
    public async Task ProvisionAsync_ContainerFailsToStart_CompensatesEveryEarlierStepAndItsOwn()
    {
        ProvisioningPlan plan = fixture.Plan("tmpl-memory", ProvisioningFixture.NewTenant());
        var failing = new FailingContainerRuntime(_runtime);
        Provisioner provisioner = fixture.Provisioner(failing);
        try
        {
            var error = await Assert.ThrowsAsync<ProvisioningFailedException>(() => provisioner.ProvisionAsync(plan));

            Assert.Equal(ProvisioningStepKind.Container, error.FailedStep);
            Assert.IsType<ContainerRuntimeException>(error.InnerException);
            Assert.Equal([ProvisioningStepKind.Queue, ProvisioningStepKind.Storage], error.Applied.Select(s => s.Step));
            Assert.Equal([ProvisioningStepKind.Container, ProvisioningStepKind.Storage, ProvisioningStepKind.Queue], error.Compensation.Select(s => s.Step));
            Assert.Empty(error.CompensationFailures);
            Assert.Equal(1, failing.Starts);
            Assert.True((await fixture.ListAsync(plan, _runtime)).Nothing);
        }
        finally
        {
            await provisioner.DeprovisionAsync(plan);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task ProvisionAsync_FailureKeepingPartial_LeavesEarlierStepsUntilDeprovisioned()
    {
        ProvisioningPlan plan = fixture.Plan("tmpl-data", ProvisioningFixture.NewTenant());
        Provisioner provisioner = fixture.Provisioner(new FailingContainerRuntime(_runtime));

        var error = await Assert.ThrowsAsync<ProvisioningFailedException>(() => provisioner.ProvisionAsync(plan, FailureHandling.KeepPartial));

        Existing partial = await fixture.ListAsync(plan, _runtime);
        Assert.Empty(error.Compensation);
        Assert.Equal(2, partial.Queues.Length);
        Assert.Single(partial.BlobContainers);
        Assert.Equal(ContainerState.Created, (await _runtime.GetStatusAsync(plan.Names.Container)).State);
        Assert.Empty(partial.MonitoringRows);

        await provisioner.DeprovisionAsync(plan);
        Assert.True((await fixture.ListAsync(plan, _runtime)).Nothing);
    }

    [Fact(Timeout = 60_000)]
    public async Task ProvisionAsync_TwoAgentsOfOneNameInTwoTenants_SeparateResources()
    {
        ProvisioningPlan first = fixture.Plan("tmpl-data", ProvisioningFixture.NewTenant());
        ProvisioningPlan second = fixture.Plan("tmpl-data", ProvisioningFixture.NewTenant());
        Provisioner provisioner = fixture.Provisioner(_runtime);
        try
        {
            await ProvisioningFixture.ProvisionRunningAsync(provisioner, first, _runtime);
            await ProvisioningFixture.ProvisionRunningAsync(provisioner, second, _runtime);
            await provisioner.DeprovisionAsync(first);

            Assert.True((await fixture.ListAsync(first, _runtime)).Nothing);
            Existing other = await fixture.ListAsync(second, _runtime);
            Assert.Equal((2, 1, 2), (other.Queues.Length, other.BlobContainers.Length, other.MonitoringRows.Length));
            Assert.Equal(ContainerState.Running, (await _runtime.GetStatusAsync(second.Names.Container)).State);
        }
        finally
        {
            await provisioner.DeprovisionAsync(first);
            await provisioner.DeprovisionAsync(second);
        }
    }
}
