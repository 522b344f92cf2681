using System.Text;
using System.Text.Json.Nodes;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;
using AgentFactory.Functions.Tests.Containers.Azure;
using Xunit.Abstractions;
using AgentFactory.Testing;

namespace AgentFactory.Functions.Tests.Sandbox;

/// <summary>
/// Wizard step 3 on Azure: the sandbox service on the Container Instances runtime, against the ARM stub, with the
/// stub's groups run by <see cref="AciGroupRunner"/> — the real agent program, from what the PUT body carries only
/// (image path, files as secret volumes, environment, the test endpoint as a sidecar on the group's network).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SandboxOnContainerInstancesTests(SandboxServiceFixture fixture, ITestOutputHelper output)
    : IClassFixture<SandboxServiceFixture>, IAsyncLifetime
{
    private const string Image = "factory.azurecr.io/agent-runtime:1.0";
    private const string Secret = "s3cr3t-value-that-must-never-appear";
    private static readonly TemplateCatalog Templates = TemplateCatalog.LoadEmbedded();
    private ArmStub _stub = null!;
    private AciRuntimeHarness _aci = null!;
    private AciGroupRunner _runner = null!;
    private SandboxOptions _options = null!;
    private SandboxService _service = null!;

    public async Task InitializeAsync()
    {
        _stub = await ArmStub.StartAsync();
        _aci = new AciRuntimeHarness(_stub, pause: TimeSpan.FromMilliseconds(50));
        _runner = new AciGroupRunner(_stub, Path.Combine(AppContext.BaseDirectory, "agent-runtime"));
        _options = new SandboxOptions { Image = Image, EndpointPort = FreePorts.Next(), LogsContainer = fixture.Options.LogsContainer, RunTimeout = TimeSpan.FromMinutes(2) };
        _service = new SandboxService(_aci.Runtime, fixture.Runs, new SandboxLogStore(fixture.Blobs, _options), new SandboxEndpointSidecar(_options), _options,
            TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _runner.DisposeAsync();
        await _stub.DisposeAsync();
    }

    private static AgentConfiguration Configure(AgentTemplate template) =>
        template.CreateDefaultConfiguration("aci-" + template.Category.ToString().ToLowerInvariant()) is var c
            ? c with { Advanced = c.Advanced with { Environment = [.. c.Advanced.Environment, new EnvironmentVariable { Name = "OTHER_SECRET", Value = Secret, Secret = true }] } }
            : throw new InvalidOperationException();

    private JsonObject LastPut(string name) =>
        (JsonObject)_stub.Requests.Last(r => r.Method == "PUT" && r.Path.EndsWith("/containerGroups/" + name, StringComparison.Ordinal)).Json!;

    [Theory(Timeout = 180_000)]
    [InlineData("tmpl-api")]
    [InlineData("tmpl-monitoring")]
    [InlineData("tmpl-memory")]
    public async Task ExecuteAsync_TemplateSuite_RunsFromTheImageWithItsFilesAndEndpointSidecar_AndPasses(string templateId)
    {
        AgentTemplate template = Templates.Get(templateId)!;
        string deployment = Guid.NewGuid().ToString();
        string name = SandboxService.ContainerName(deployment);

        SandboxRunResult run = await _service.ExecuteAsync(deployment, Configure(template), template);

        output.WriteLine($"{templateId}: {run.Status}; " + string.Join(", ", run.Tasks.Select(t => $"{t.TaskId}: {(t.Skipped ? "skipped" : t.Passed ? "passed" : t.Failure)}")));
        Assert.True(run.Status == SandboxTestStatus.Passed, string.Join("; ", run.Tasks.Select(t => t.Failure)) + run.Failure);
        Assert.Equal(template.TestTasks.Select(t => t.Id), run.Tasks.Select(t => t.TaskId));

        JsonObject group = LastPut(name);
        JsonNode properties = group["properties"]!;
        Assert.Equal("Never", (string?)properties["restartPolicy"]);
        JsonArray containers = properties["containers"]!.AsArray();
        JsonNode sandbox = containers.Single(c => (string?)c!["name"] == name)!;
        Assert.Equal(Image, (string?)sandbox["properties"]!["image"]);
        Assert.Equal(_options.ProgramCommand("sandbox", "--config", SandboxService.ConfigurationPath, "--tasks", SandboxService.TasksPath),
            sandbox["properties"]!["command"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(["/work/config", "/work/tasks"], sandbox["properties"]!["volumeMounts"]!.AsArray().Select(m => (string)m!["mountPath"]!).Order());
        Assert.All(properties["volumes"]!.AsArray(), v => Assert.NotNull(v!["secret"]));
        JsonArray environment = sandbox["properties"]!["environmentVariables"]!.AsArray();
        Assert.Equal(Secret, (string?)environment.Single(e => (string?)e!["name"] == "OTHER_SECRET")!["secureValue"]);
        // The secret travels as a secure value only: not in the configuration file, not in a plain variable, not in the log.
        string files = string.Concat(properties["volumes"]!.AsArray().SelectMany(v => v!["secret"]!.AsObject().Select(f => Encoding.UTF8.GetString(Convert.FromBase64String((string)f.Value!)))));
        Assert.DoesNotContain(Secret, files, StringComparison.Ordinal);
        Assert.DoesNotContain(environment, e => (string?)e!["value"] == Secret);
        SandboxLogPage log = (await _service.GetLogsAsync(deployment, run.TestId, 0, max: 1000))!;
        Assert.NotEmpty(log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Text.Contains(Secret, StringComparison.Ordinal));

        if (template.Execution.NetworkAccess)
        {
            string url = $"http://127.0.0.1:{_options.EndpointPort}";
            Assert.Equal(url, (string?)environment.Single(e => (string?)e!["name"] == "SANDBOX_HTTP")!["value"]);
            JsonNode sidecar = containers.Single(c => (string?)c!["name"] == SandboxEndpointSidecar.Name)!;
            Assert.Equal(Image, (string?)sidecar["properties"]!["image"]);
            Assert.Equal(_options.ProgramCommand("endpoint", "--port", _options.EndpointPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                sidecar["properties"]!["command"]!.AsArray().Select(c => (string)c!));
            Assert.Null(sidecar["properties"]!["environmentVariables"]);
            // The run's tasks aim at the sidecar, and the group is stopped once the run is over (the sidecar would run on).
            Assert.Contains(url, files, StringComparison.Ordinal);
            RecordedRequest start = _stub.Requests.Last(r => r.Method == "POST" && r.Path.EndsWith(name + "/start", StringComparison.Ordinal));
            Assert.Contains(_stub.Requests.SkipWhile(r => r != start), r => r.Method == "POST" && r.Path.EndsWith(name + "/stop", StringComparison.Ordinal));
        }
        else
        {
            Assert.Single(containers);
            Assert.DoesNotContain(environment, e => (string?)e!["name"] == "SANDBOX_HTTP");
        }

        await _service.StopAsync(deployment);
        Assert.Null(_stub.Group(name));
    }

    [Fact(Timeout = 180_000)]
    public async Task ExecuteAsync_Twice_EachRunIsANewGroupWithItsOwnTasks()
    {
        AgentTemplate template = Templates.Get("tmpl-blank")!;
        string deployment = Guid.NewGuid().ToString();
        string name = SandboxService.ContainerName(deployment);
        await _service.StartAsync(deployment, Configure(template), template);

        SandboxRunResult first = await _service.ExecuteAsync(deployment, Configure(template), template);
        SandboxRunResult second = await _service.ExecuteAsync(deployment, Configure(template), template, [template.TestTasks[0]]);
        await _service.StopAsync(deployment);

        Assert.Equal((SandboxTestStatus.Passed, SandboxTestStatus.Passed), (first.Status, second.Status));
        Assert.Equal(template.TestTasks.Count, first.Tasks.Count);
        Assert.Single(second.Tasks);
        // The start's group served the first run (same spec, never started); the second run needed a group of its own.
        Assert.Equal(2, _stub.Requests.Count(r => r.Method == "PUT" && r.Path.EndsWith("/containerGroups/" + name, StringComparison.Ordinal)));
        Assert.Equal(2, _runner.Runs.Count(r => r.Group == name));
        Assert.Equal(2, _stub.Requests.Count(r => r.Method == "DELETE" && r.Path.EndsWith("/containerGroups/" + name, StringComparison.Ordinal)));
    }
}
