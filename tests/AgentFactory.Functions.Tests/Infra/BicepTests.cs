using System.Diagnostics;
using System.Reflection;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using AgentFactory.Functions.Tests.Packaging;

namespace AgentFactory.Functions.Tests.Infra;

/// <summary>
/// infra/ compiles and lints with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, restored with this
/// project) with no warning at all, and the compiled templates keep the promises docs/DEPLOYMENT.md makes.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BicepTests
{
    private static readonly string Infra = Path.Combine(FunctionsLayout.RepositoryRoot(), "infra");

    public static TheoryData<string> BicepFiles() => [.. Directory.EnumerateFiles(Infra, "*.bicep*", SearchOption.AllDirectories)
        .Where(f => f.EndsWith(".bicep", StringComparison.Ordinal) || f.EndsWith(".bicepparam", StringComparison.Ordinal))
        .Select(f => Path.GetRelativePath(Infra, f)).Order(StringComparer.Ordinal)];

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(BicepFiles))]
    public async Task Lint_EveryFile_HasNoWarningOrError(string file)
    {
        (int exitCode, string output) = await BicepAsync("lint", Path.Combine(Infra, file));

        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"bicep lint {file} (exit {exitCode}):\n{output}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_App_StorageIsKeylessAndTheFunctionAppIsACustomHandlerWithAlwaysReadyInstances()
    {
        JsonNode template = await BuildAsync("modules/app.bicep");

        // The factory's account and the agents': both keyless, TLS 1.2, no public blobs.
        JsonNode[] accounts = [.. Resources(template, "Microsoft.Storage/storageAccounts")];
        Assert.Equal(["[parameters('agentStorageAccountName')]", "[parameters('storageAccountName')]"], accounts.Select(a => (string)a["name"]!).Order(StringComparer.Ordinal));
        Assert.All(accounts, storage =>
        {
            Assert.False((bool)storage["properties"]!["allowSharedKeyAccess"]!);
            Assert.False((bool)storage["properties"]!["allowBlobPublicAccess"]!);
            Assert.Equal("TLS1_2", (string?)storage["properties"]!["minimumTlsVersion"]);
        });
        JsonNode site = Resource(template, "Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        JsonNode config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal("custom", (string?)config["runtime"]!["name"]);
        Assert.Equal("http", (string?)config["scaleAndConcurrency"]!["alwaysReady"]![0]!["name"]);
        Assert.Equal("UserAssignedIdentity", (string?)config["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("FlexConsumption", (string?)Resource(template, "Microsoft.Web/serverfarms")["sku"]!["tier"]);

        string[] settings = [.. site["properties"]!["siteConfig"]!["appSettings"]!.AsArray().Select(s => (string)s!["name"]!)];
        Assert.Contains("AzureWebJobsStorage__accountName", settings);
        Assert.Contains("AzureWebJobsStorage__credential", settings);
        Assert.DoesNotContain("AzureWebJobsStorage", settings);
        Assert.DoesNotContain("AGENTFACTORY_STORAGE", settings);
        // Flex Consumption takes the runtime from functionAppConfig and refuses these as settings.
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings);
        Assert.Contains("AgentFactory__Containers__Provider", settings);
        Assert.Contains("AgentFactory__Containers__Aci__SubscriptionId", settings);
        Assert.Contains("AgentFactory__Containers__Aci__ResourceGroup", settings);
        Assert.Contains("AgentFactory__Containers__Aci__Location", settings);
        Assert.Contains("AgentFactory__Progress__Provider", settings);
        Assert.Contains("AgentFactory__Progress__WebPubSub__Endpoint", settings);
        Assert.Contains("AgentFactory__Progress__WebPubSub__Hub", settings);

        // Blob Data Owner, Queue and Table Data Contributor, assigned on the account to the app's identity.
        JsonNode storageRoles = Assert.Single(Resources(template, "Microsoft.Authorization/roleAssignments"), r => (string?)r["copy"]?["name"] == "storageRoles");
        string roleList = storageRoles["copy"]!["count"]!.ToString() + template["variables"]!["roles"]!.ToJsonString();
        foreach (string role in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" })
        {
            Assert.Contains(role, roleList, StringComparison.Ordinal);
        }

        Assert.Contains("parameters('storageAccountName')", (string?)storageRoles["scope"], StringComparison.Ordinal);

        Assert.Equal("deny", (string?)Resource(template, "Microsoft.SignalRService/webPubSub/hubs")["properties"]!["anonymousConnectPolicy"]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_App_WebPubSubIsKeyless_TheAppReachesItWithItsIdentity()
    {
        JsonNode template = await BuildAsync("modules/app.bicep");
        Assert.True((bool)Resource(template, "Microsoft.SignalRService/webPubSub")["properties"]!["disableLocalAuth"]!);

        Dictionary<string, string> settings = Resource(template, "Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());
        // No key reaches the settings: neither a connection string nor anything read with listKeys.
        Assert.DoesNotContain("AgentFactory__Progress__WebPubSub__ConnectionString", settings.Keys);
        Assert.All(settings, s => Assert.DoesNotContain("listKeys", s.Value, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("[format('https://{0}'", settings["AgentFactory__Progress__WebPubSub__Endpoint"], StringComparison.Ordinal);
        Assert.Contains("hostName", settings["AgentFactory__Progress__WebPubSub__Endpoint"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", settings["AgentFactory__Progress__WebPubSub__Credential"]);
        Assert.Contains("clientId", settings["AgentFactory__Progress__WebPubSub__ClientId"], StringComparison.Ordinal);
        Assert.DoesNotContain("-agents", settings["AgentFactory__Progress__WebPubSub__ClientId"], StringComparison.Ordinal);

        // That identity holds the data-plane role that sends and issues clients' tokens (Web PubSub Service Owner).
        JsonNode role = Assert.Single(Resources(template, "Microsoft.Authorization/roleAssignments"),
            r => r["properties"]!["roleDefinitionId"]!.ToString().Contains("webPubSubServiceOwner", StringComparison.Ordinal));
        Assert.Contains("webPubSub", (string?)role["scope"], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("-agents", role["properties"]!["principalId"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_App_AgentsRunAsTheirOwnIdentityWithQueueAndTableRightsOnTheirOwnAccountOnly()
    {
        JsonNode template = await BuildAsync("modules/app.bicep");
        JsonNode[] assignments = [.. Resources(template, "Microsoft.Authorization/roleAssignments")];

        // The agents' identity has queue and table data roles on the agents' account, and not the app's blob ownership.
        JsonNode agentRoles = Assert.Single(assignments, r => (string?)r["copy"]?["name"] == "agentStorageRoles");
        string roleList = agentRoles["copy"]!["count"]!.ToString();
        Assert.Contains("storageQueueDataContributor", roleList, StringComparison.Ordinal);
        Assert.Contains("storageTableDataContributor", roleList, StringComparison.Ordinal);
        Assert.DoesNotContain("storageBlob", roleList, StringComparison.Ordinal);
        Assert.Contains("parameters('agentStorageAccountName')", (string?)agentRoles["scope"], StringComparison.Ordinal);
        Assert.Contains("-agents", agentRoles["properties"]!["principalId"]!.ToString(), StringComparison.Ordinal);

        // Nothing at all on the factory's account: its task hub, tables and blobs are out of the agents' reach.
        Assert.DoesNotContain(assignments, r => r["properties"]!["principalId"]!.ToString().Contains("-agents", StringComparison.Ordinal)
            && r["scope"]!.ToString().Contains("parameters('storageAccountName')", StringComparison.Ordinal));

        // The app provisions agents on their account: blob containers, queues and tables, without owning it.
        JsonNode appRoles = Assert.Single(assignments, r => (string?)r["copy"]?["name"] == "appAgentStorageRoles");
        string appRoleList = appRoles["copy"]!["count"]!.ToString();
        foreach (string role in new[] { "storageBlobDataContributor", "storageQueueDataContributor", "storageTableDataContributor" })
        {
            Assert.Contains(role, appRoleList, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("storageBlobDataOwner", appRoleList, StringComparison.Ordinal);
        Assert.Contains("parameters('agentStorageAccountName')", (string?)appRoles["scope"], StringComparison.Ordinal);
        Assert.DoesNotContain("-agents", appRoles["properties"]!["principalId"]!.ToString(), StringComparison.Ordinal);

        // The app may assign that identity to container groups, and only that one.
        JsonNode operatorRole = Assert.Single(Resources(template, "Microsoft.Authorization/roleAssignments"),
            r => r["properties"]!["roleDefinitionId"]!.ToString().Contains("managedIdentityOperator", StringComparison.Ordinal));
        Assert.Contains("-agents", (string?)operatorRole["scope"], StringComparison.Ordinal);

        // The app passes the identity to container groups and its client id to agents.
        Dictionary<string, string> settings = Resource(template, "Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());
        Assert.Contains("-agents", settings["AgentFactory__Containers__Aci__GroupIdentityResourceId"], StringComparison.Ordinal);
        Assert.Contains("-agents", settings["AgentFactory__Provisioning__AgentIdentityClientId"], StringComparison.Ordinal);
        Assert.Contains("clientId", settings["AgentFactory__Provisioning__AgentIdentityClientId"], StringComparison.Ordinal);

        // The app reaches the agents' account as itself (AgentFactory:Provisioning:Storage, identity-based).
        Assert.Contains("agentStorageAccountName", settings["AgentFactory__Provisioning__Storage__accountName"], StringComparison.Ordinal);
        Assert.Equal("managedidentity", settings["AgentFactory__Provisioning__Storage__credential"]);
        Assert.DoesNotContain("-agents", settings["AgentFactory__Provisioning__Storage__clientId"], StringComparison.Ordinal);
        Assert.Contains("clientId", settings["AgentFactory__Provisioning__Storage__clientId"], StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Build_Agents_ContainerGroupRightsAreLimitedToTheAgentsResourceGroup()
    {
        JsonNode template = await BuildAsync("modules/agents.bicep");

        JsonNode role = Resource(template, "Microsoft.Authorization/roleDefinitions");
        Assert.Equal("[resourceGroup().id]", (string?)role["properties"]!["assignableScopes"]![0]);
        string[] actions = [.. role["properties"]!["permissions"]![0]!["actions"]!.AsArray().Select(a => (string)a!)];
        Assert.All(actions, a => Assert.True(a.StartsWith("Microsoft.ContainerInstance/", StringComparison.Ordinal)
            || a is "Microsoft.Resources/subscriptions/resourceGroups/read" or "Microsoft.Insights/metrics/read", a));
        Assert.DoesNotContain(actions, a => a.Contains('*', StringComparison.Ordinal));
        Assert.Contains("Microsoft.ContainerInstance/containerGroups/start/action", actions);
        // GetMetrics reads Azure Monitor's metrics of the groups, and no other monitoring data.
        Assert.Contains("Microsoft.Insights/metrics/read", actions);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("main.dev.bicepparam", 1)]
    [InlineData("main.prod.bicepparam", 2)]
    public async Task BuildParams_EachEnvironment_KeepsInstancesAlwaysReady(string file, int alwaysReady)
    {
        string output = Path.Combine(Path.GetTempPath(), "agentfactory-bicep-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        try
        {
            (int exitCode, string text) = await BicepAsync("build-params", Path.Combine(Infra, file), "--outfile", output);
            Assert.True(exitCode == 0, text);

            JsonNode parameters = JsonNode.Parse(await File.ReadAllTextAsync(output))!["parameters"]!;
            Assert.Equal(alwaysReady, (int)parameters["alwaysReadyInstances"]!["value"]!);
            Assert.Equal("test-only-key", (string?)parameters["secretsKey"]!["value"]);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task<JsonNode> BuildAsync(string file)
    {
        (int exitCode, string output) = await BicepAsync("build", Path.Combine(Infra, file), "--stdout");
        Assert.True(exitCode == 0, output);
        return JsonNode.Parse(output)!;
    }

    private static IEnumerable<JsonNode> Resources(JsonNode template, string type) =>
        template["resources"] switch
        {
            JsonArray array => array.Where(r => (string?)r!["type"] == type).Select(r => r!),
            JsonObject map => map.Select(p => p.Value).Where(r => (string?)r!["type"] == type).Select(r => r!),
            _ => [],
        };

    private static JsonNode Resource(JsonNode template, string type) => Assert.Single(Resources(template, type));

    /// <summary>Runs the CLI that NuGet restored for this project; stdout and stderr together (lint reports on stderr).</summary>
    private static async Task<(int ExitCode, string Output)> BicepAsync(params string[] arguments)
    {
        string directory = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepDirectory").Value!;
        string bicep = Path.Combine(directory, "tools", "bicep");
        Assert.True(File.Exists(bicep), $"The Bicep CLI is not at {bicep}: restore tests/AgentFactory.Functions.Tests (PackageDownload Azure.Bicep.CommandLine.linux-x64).");
        // NuGet extracts files without the execute bit on some machines.
        File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        var start = new ProcessStartInfo(bicep, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["AGENTFACTORY_SECRETS_KEY"] = "test-only-key";
        start.Environment["AGENTFACTORY_AGENT_IMAGE"] = "factory.azurecr.io/agent-runtime:1.0";
        // Offline: no telemetry, no module registry.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        // The CLI is a .NET program: it must not depend on the machine having ICU.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
