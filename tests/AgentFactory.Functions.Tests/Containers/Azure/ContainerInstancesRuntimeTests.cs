using System.Text.Json.Nodes;
using AgentFactory.Core.Validation;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Azure;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>The Container Instances runtime against a local ARM stub: request shapes, operations, throttling, quota and failures.</summary>
public sealed class ContainerInstancesRuntimeTests : IAsyncLifetime
{
    private ArmStub _stub = null!;

    public async Task InitializeAsync() => _stub = await ArmStub.StartAsync();

    public async Task DisposeAsync() => await _stub.DisposeAsync();

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_NewSpec_PutsGroupWithPinnedApiVersionTokenAndSecureSecrets()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();

        ContainerInfo info = await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));

        RecordedRequest put = Assert.Single(_stub.Requests, r => r.Method == "PUT");
        Assert.Equal(_stub.GroupPath(name), put.Path);
        Assert.Equal("?api-version=2023-05-01", put.Query);
        Assert.Equal("Bearer " + ArmStub.Token, put.Authorization);
        JsonNode body = put.Json!;
        Assert.Equal("westeurope", (string?)body["location"]);
        Assert.Equal("contoso", (string?)body["tags"]!["tenant"]);
        Assert.Equal("dep-42", (string?)body["tags"]!["deployment"]);
        Assert.Equal("false", (string?)body["tags"]!["agentfactory-started"]);
        Assert.Equal("Linux", (string?)body["properties"]!["osType"]);
        Assert.Equal("OnFailure", (string?)body["properties"]!["restartPolicy"]);
        JsonNode container = body["properties"]!["containers"]![0]!;
        Assert.Equal(name, (string?)container["name"]);
        Assert.Equal("factory.azurecr.io/agent-runtime:1.0", (string?)container["properties"]!["image"]);
        Assert.Equal(1.5m, (decimal)container["properties"]!["resources"]!["requests"]!["cpu"]!);
        Assert.Equal(2.0m, (decimal)container["properties"]!["resources"]!["requests"]!["memoryInGB"]!);
        JsonArray variables = container["properties"]!["environmentVariables"]!.AsArray();
        Assert.Equal("batch", (string?)variables.Single(v => (string?)v!["name"] == "MODE")!["value"]);
        JsonNode secret = variables.Single(v => (string?)v!["name"] == "API_KEY")!;
        Assert.Equal("s3cr3t-value", (string?)secret["secureValue"]);
        Assert.Null(secret["value"]);
        // The tag that recognises a repeated create does not carry the secret, not even hashed with it.
        Assert.Equal(ContainerGroupJson.SpecHash(AciRuntimeHarness.Spec(name, secret: "another")), (string?)body["tags"]!["agentfactory-spec"]);

        Assert.Equal(["API_KEY"], info.SecretEnvironmentNames);
        Assert.Equal("batch", info.Environment["MODE"]);
        Assert.DoesNotContain("API_KEY", info.Environment.Keys);
        Assert.Equal(1.5m, info.CpuCores);
        Assert.Equal("contoso", info.Labels["tenant"]);
        Assert.DoesNotContain(info.Labels.Keys, k => k.StartsWith("agentfactory-", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_SpecWithFiles_PutsSecretVolumeMountedReadOnlyAtTheirDirectoryAndShowsTheTextNowhere()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        string text = "{\"marker\":\"cfg-" + Guid.NewGuid().ToString("N") + "\",\"note\":\"ü\"}";
        string base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
        ContainerSpec spec = WithConfig(AciRuntimeHarness.Spec(name), text);

        ContainerInfo info = await aci.Runtime.CreateAsync(spec);

        RecordedRequest put = Assert.Single(_stub.Requests, r => r.Method == "PUT");
        JsonNode body = put.Json!;
        JsonNode volume = Assert.Single(body["properties"]!["volumes"]!.AsArray())!;
        Assert.Equal("files-1", (string?)volume["name"]);
        Assert.Equal(base64, (string?)Assert.Single(volume["secret"]!.AsObject(), f => f.Key == "config.json").Value);
        JsonNode mount = Assert.Single(body["properties"]!["containers"]![0]!["properties"]!["volumeMounts"]!.AsArray())!;
        Assert.Equal("files-1", (string?)mount["name"]);
        // The directory, not /work: the program reads /work/config/config.json and can still write in /work.
        Assert.Equal("/work/config", (string?)mount["mountPath"]);
        Assert.True((bool)mount["readOnly"]!);
        // The idempotency tag changes with the text but holds neither it nor its base64.
        string tag = (string)body["tags"]!["agentfactory-spec"]!;
        Assert.Equal(ContainerGroupJson.SpecHash(spec), tag);
        Assert.NotEqual(ContainerGroupJson.SpecHash(WithConfig(AciRuntimeHarness.Spec(name), "{}")), tag);
        string[] shown =
        [
            body["tags"]!.ToJsonString(), info.ToString(), spec.ToString(), (await aci.Runtime.GetStatusAsync(name)).ToString(),
            (await aci.Runtime.GetAsync(name))!.ToString(), _stub.Requests.Where(r => r.Method != "PUT").Select(r => r.Path + r.Query + r.Body).Aggregate("", string.Concat),
        ];
        Assert.All(shown, t => Assert.DoesNotContain("cfg-", t, StringComparison.Ordinal));
        Assert.All(shown, t => Assert.DoesNotContain(base64, t, StringComparison.Ordinal));

        await aci.Runtime.CreateAsync(WithConfig(AciRuntimeHarness.Spec(name), text));
        Assert.Single(_stub.Requests, r => r.Method == "PUT");
        await Assert.ThrowsAsync<ContainerConflictException>(() => aci.Runtime.CreateAsync(WithConfig(AciRuntimeHarness.Spec(name), "{}")));
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_FilesInTwoDirectories_OneSecretVolumeEach()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        ContainerSpec spec = AciRuntimeHarness.Spec(name);
        spec = WithFiles(spec, new Dictionary<string, string> { ["/work/keys/b.pem"] = "B", ["/work/config/config.json"] = "{}", ["/work/keys/a.pem"] = "A" });

        await aci.Runtime.CreateAsync(spec);

        JsonNode body = Assert.Single(_stub.Requests, r => r.Method == "PUT").Json!;
        Assert.Equal(
            ["files-1 config.json=e30=", "files-2 a.pem=QQ== b.pem=Qg=="],
            body["properties"]!["volumes"]!.AsArray().Select(v => (string?)v!["name"] + " " + string.Join(' ', v["secret"]!.AsObject().Select(f => f.Key + "=" + (string?)f.Value))));
        Assert.Equal(
            ["files-1 /work/config", "files-2 /work/keys"],
            body["properties"]!["containers"]![0]!["properties"]!["volumeMounts"]!.AsArray().Select(m => (string?)m!["name"] + " " + (string?)m["mountPath"]));
    }

    private static ContainerSpec WithConfig(ContainerSpec spec, string text) =>
        WithFiles(spec, new Dictionary<string, string> { ["/work/config/config.json"] = text });

    private static ContainerSpec WithFiles(ContainerSpec spec, Dictionary<string, string> files) => new()
    {
        Name = spec.Name,
        Image = spec.Image,
        Command = spec.Command,
        Environment = spec.Environment,
        CpuCores = spec.CpuCores,
        MemoryBytes = spec.MemoryBytes,
        NetworkAccess = spec.NetworkAccess,
        Labels = spec.Labels,
        Files = files,
    };

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_Operation_FollowsAzureAsyncOperationAtRetryAfterThenStopsTheGroup()
    {
        _stub.InProgressPolls = 2;
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();

        await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));

        // 7 s from the PUT's Retry-After, then 3 s from each InProgress poll.
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)], aci.Waits);
        string[] calls = [.. _stub.Requests.Select(r => $"{r.Method} {(r.Path.StartsWith("/operations/", StringComparison.Ordinal) ? "operation" : r.Path.Replace(_stub.GroupPath(name), "group", StringComparison.Ordinal))}")];
        Assert.Equal(["GET group", "PUT group", "GET operation", "GET operation", "GET operation", "GET group", "POST group/stop"], calls);
        Assert.All(_stub.Requests, r => Assert.Contains("api-version=2023-05-01", r.Query, StringComparison.Ordinal));
        ContainerStatus status = await aci.Runtime.GetStatusAsync(name);
        Assert.Equal(ContainerState.Created, status.State);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_SameSpecAgain_ReturnsTheGroupWithoutAnotherPut_DifferentSpecConflicts()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));

        ContainerInfo again = await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));

        Assert.Equal(name, again.Name);
        Assert.Single(_stub.Requests, r => r.Method == "PUT");
        await Assert.ThrowsAsync<ContainerConflictException>(() => aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name, plain: "stream")));
    }

    [Fact(Timeout = 30_000)]
    public async Task StartStopDelete_Lifecycle_MapsToStartStopAndDeleteOperations()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));

        ContainerStatus running = await aci.Runtime.StartAsync(name);
        Assert.Equal(ContainerState.Running, running.State);
        Assert.Equal("true", (string?)_stub.Group(name)!["tags"]!["agentfactory-started"]);
        Assert.Equal("contoso", (string?)_stub.Group(name)!["tags"]!["tenant"]);
        Assert.Contains(_stub.Requests, r => r.Method == "POST" && r.Path == _stub.GroupPath(name) + "/start");

        ContainerStatus stopped = await aci.Runtime.StopAsync(name);
        Assert.Equal(ContainerState.Stopped, stopped.State);

        Assert.True(await aci.Runtime.DeleteAsync(name));
        Assert.Null(_stub.Group(name));
        Assert.Null(await aci.Runtime.GetAsync(name));
        Assert.False(await aci.Runtime.DeleteAsync(name));
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => aci.Runtime.GetStatusAsync(name));
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitForExitAsync_ContainerTerminates_ReportsExitCode()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));
        await aci.Runtime.StartAsync(name);
        _stub.Exit(name, 3);

        ContainerStatus exited = await aci.Runtime.WaitForExitAsync(name);

        Assert.Equal(ContainerState.Failed, exited.State);
        Assert.Equal(3, exited.ExitCode);
    }

    [Fact(Timeout = 30_000)]
    public async Task SendAsync_Throttled_WaitsRetryAfterAndRetries_GivesUpAfterTheLimit()
    {
        var aci = new AciRuntimeHarness(_stub);
        _stub.Throttle(2);

        Assert.Null(await aci.Runtime.GetAsync(AciRuntimeHarness.NewName()));

        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], aci.Waits);
        Assert.Equal(3, _stub.Requests.Count);

        var patient = new AciRuntimeHarness(_stub, o => o.MaxThrottledRetries = 1);
        _stub.Throttle(5);
        ContainerInstancesException error = await Assert.ThrowsAsync<ContainerInstancesException>(() => patient.Runtime.GetAsync(AciRuntimeHarness.NewName()));
        Assert.Equal(429, error.Status);
        Assert.Equal("TooManyRequests", error.Code);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_QuotaReached_ThrowsQuotaExceededNamingArmsCode()
    {
        var aci = new AciRuntimeHarness(_stub);
        _stub.RejectNextPut = (409, "ContainerGroupQuotaReached", "Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota 'StandardCores' exceeded in region 'westeurope'. Limit: '100'.");

        ContainerQuotaExceededException error = await Assert.ThrowsAsync<ContainerQuotaExceededException>(
            () => aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(AciRuntimeHarness.NewName())));

        Assert.Equal(409, error.Status);
        Assert.Equal("ContainerGroupQuotaReached", error.Code);
        Assert.Contains("quota", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cr3t-value", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_GroupFailsToProvision_ThrowsWithTheServiceReason_StatusIsFailed()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        _stub.FailNextProvisioning = ("InaccessibleImage", "The image 'factory.azurecr.io/agent-runtime:1.0' in container group is not accessible.");

        ContainerInstancesException error = await Assert.ThrowsAsync<ContainerInstancesException>(() => aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name)));

        Assert.Equal("InaccessibleImage", error.Code);
        Assert.Contains("not accessible", error.Message, StringComparison.Ordinal);
        ContainerStatus status = await aci.Runtime.GetStatusAsync(name);
        Assert.Equal(ContainerState.Failed, status.State);
        Assert.Contains("not accessible", status.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task CreateAsync_BadRequests_RefusedBeforeAnyCall()
    {
        var aci = new AciRuntimeHarness(_stub);
        ContainerSpec spec = AciRuntimeHarness.Spec(AciRuntimeHarness.NewName());
        ContainerSpec noImage = new() { Name = spec.Name, Command = spec.Command };
        ContainerSpec mounts = new() { Name = spec.Name, Image = spec.Image, Command = spec.Command, ReadOnlyMounts = [new ContainerMount("/opt/agent", "/agent")] };

        ArgumentException image = await Assert.ThrowsAsync<ArgumentException>(() => aci.Runtime.CreateAsync(noImage));
        ArgumentException mount = await Assert.ThrowsAsync<ArgumentException>(() => aci.Runtime.CreateAsync(mounts));

        Assert.Contains("AgentImage", image.Message, StringComparison.Ordinal);
        Assert.Contains("host directories", mount.Message, StringComparison.Ordinal);
        Assert.Empty(_stub.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task WaitForOperation_PollingUrlOnAnotherHost_IsNotFollowed()
    {
        var aci = new AciRuntimeHarness(_stub);
        _stub.OperationHost = "https://attacker.example";

        ContainerInstancesException error = await Assert.ThrowsAsync<ContainerInstancesException>(
            () => aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(AciRuntimeHarness.NewName())));

        Assert.Contains("another host", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_stub.Requests, r => r.Path.StartsWith("/operations/", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task GetLogsAsync_TimestampedContent_PagesByCursor()
    {
        var aci = new AciRuntimeHarness(_stub);
        string name = AciRuntimeHarness.NewName();
        await aci.Runtime.CreateAsync(AciRuntimeHarness.Spec(name));
        _stub.SetLog(name, "2026-11-24T01:00:01.000000000Z started\n2026-11-24T01:00:02.000000000Z working\n2026-11-24T01:00:03.000000000Z done\n");

        ContainerLogPage first = await aci.Runtime.GetLogsAsync(name, maxLines: 2);
        ContainerLogPage rest = await aci.Runtime.GetLogsAsync(name, first.Cursor);

        Assert.Equal(["started", "working"], first.Lines.Select(l => l.Text));
        Assert.True(first.HasMore);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 1, 0, 1, TimeSpan.Zero), first.Lines[0].Timestamp);
        Assert.Equal(["done"], rest.Lines.Select(l => l.Text));
        Assert.Equal(3, rest.Cursor);
        Assert.False(rest.HasMore);
        RecordedRequest logs = _stub.Requests.Last();
        Assert.Equal($"{_stub.GroupPath(name)}/containers/{name}/logs", logs.Path);
        Assert.Equal("?api-version=2023-05-01&timestamps=true", logs.Query);
    }

    [Fact(Timeout = 30_000)]
    public async Task CapacityProvider_RegionUsage_CapsTheTenantQuota_NoGroupLeftMeansNothing()
    {
        var aci = new AciRuntimeHarness(_stub);
        var capacity = new ContainerInstancesCapacityProvider(aci.Runtime, new ConfiguredCapacityProvider(new CapacitySnapshot(50m, 400_000)));
        _stub.Usage.Clear();
        _stub.Usage.AddRange([("ContainerGroups", 40, 100), ("StandardCores", 92, 100)]);

        CapacitySnapshot free = await capacity.GetAvailableAsync("contoso", "westeurope");

        Assert.Equal(8m, free.CpuCores);
        Assert.Equal(8 * 16_384, free.MemoryMb);
        Assert.Equal($"/subscriptions/{ArmStub.Subscription}/providers/Microsoft.ContainerInstance/locations/westeurope/usages", _stub.Requests.Last().Path);

        _stub.Usage[0] = ("ContainerGroups", 100, 100);
        Assert.Equal(new CapacitySnapshot(0m, 0), await capacity.GetAvailableAsync("contoso", "westeurope"));
    }
}
