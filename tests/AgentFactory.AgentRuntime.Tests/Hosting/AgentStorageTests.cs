using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgentFactory.AgentRuntime.Hosting;
using Azure.Core;
using Azure.Identity;
using AgentFactory.Testing;

namespace AgentFactory.AgentRuntime.Tests.Hosting;

/// <summary>
/// Identity-based storage: the clients point at the account's endpoints and sign in with the user-assigned managed
/// identity. The identity's token comes from a local stub of the App Service managed identity endpoint
/// (IDENTITY_ENDPOINT/IDENTITY_HEADER), so the test sees which identity the program asks for.
/// </summary>
[Collection(ManagedIdentityEnvironment.Name)]
public sealed class AgentStorageTests
{
    private const string ClientId = "0b8e6a1c-2d4f-4e6a-9c1b-7f3e5d2a4b6c";

    private static AgentEnvironment Environment(Dictionary<string, string> variables) => new(variables);

    [Fact]
    public void From_AccountAndClientId_DefaultEndpointsAndManagedIdentity()
    {
        var storage = AgentStorage.From(Environment(new()
        {
            [AgentEnvironment.StorageAccountVariable] = "stfactory",
            [AgentEnvironment.StorageClientIdVariable] = ClientId,
        }));

        Assert.NotNull(storage);
        Assert.IsType<ManagedIdentityCredential>(storage.Credential);
        Assert.Equal("https://stfactory.queue.core.windows.net/agent-q", storage.Queue("agent-q").Uri.AbsoluteUri);
        Assert.Equal("agent-q", storage.Queue("agent-q").Name);
        Assert.Equal("https://stfactory.table.core.windows.net/", storage.TableEndpoint!.AbsoluteUri);
        Assert.Equal(("stfactory", "agentresults"), (storage.Table("agentresults").AccountName, storage.Table("agentresults").Name));
    }

    [Fact]
    public void From_ExplicitServiceUris_Win()
    {
        var storage = AgentStorage.From(Environment(new()
        {
            [AgentEnvironment.StorageAccountVariable] = "devstoreaccount1",
            [AgentEnvironment.StorageQueueUriVariable] = "https://127.0.0.1:10001/devstoreaccount1",
            [AgentEnvironment.StorageTableUriVariable] = "https://127.0.0.1:10002/devstoreaccount1/",
        }));

        Assert.NotNull(storage);
        Assert.Equal("https://127.0.0.1:10001/devstoreaccount1/agent-q", storage.Queue("agent-q").Uri.AbsoluteUri);
        Assert.Equal("https://127.0.0.1:10002/devstoreaccount1/", storage.TableEndpoint!.AbsoluteUri);
    }

    [Fact]
    public void From_ConnectionString_WinsAndUsesNoIdentity()
    {
        var storage = AgentStorage.From(Environment(new()
        {
            [AgentEnvironment.StorageVariable] = "UseDevelopmentStorage=true",
            [AgentEnvironment.StorageAccountVariable] = "stfactory",
        }));

        Assert.NotNull(storage);
        Assert.Null(storage.Credential);
        Assert.StartsWith("http://127.0.0.1:10001/devstoreaccount1/", storage.Queue("agent-q").Uri.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void From_Neither_IsNull()
    {
        Assert.Null(AgentStorage.From(Environment(new() { ["AGENT_QUEUE"] = "q" })));
    }

    [Fact]
    public async Task Credential_AsksTheManagedIdentityEndpointForTheUserAssignedIdentity()
    {
        using var stub = new TokenEndpointStub();
        string? endpoint = System.Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT");
        string? header = System.Environment.GetEnvironmentVariable("IDENTITY_HEADER");
        System.Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", stub.Url);
        System.Environment.SetEnvironmentVariable("IDENTITY_HEADER", TokenEndpointStub.Header);
        try
        {
            var storage = AgentStorage.From(Environment(new()
            {
                [AgentEnvironment.StorageAccountVariable] = "stfactory",
                [AgentEnvironment.StorageClientIdVariable] = ClientId,
            }));

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            AccessToken token = await storage!.Credential!.GetTokenAsync(new TokenRequestContext(["https://storage.azure.com/.default"]), timeout.Token);

            Assert.Equal(TokenEndpointStub.Token, token.Token);
            var request = Assert.Single(stub.Requests);
            Assert.Equal(TokenEndpointStub.Header, request.Header);
            Assert.Contains("client_id=" + ClientId, request.Query, StringComparison.Ordinal);
            Assert.Contains("resource=https://storage.azure.com", Uri.UnescapeDataString(request.Query), StringComparison.Ordinal);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", endpoint);
            System.Environment.SetEnvironmentVariable("IDENTITY_HEADER", header);
        }
    }

    /// <summary>The App Service managed identity endpoint's wire contract: GET with X-IDENTITY-HEADER, JSON token back.</summary>
    private sealed class TokenEndpointStub : IDisposable
    {
        public const string Header = "stub-identity-header";
        public const string Token = "stub-access-token";
        private readonly HttpListener listener = new();
        private readonly Task serving;

        public TokenEndpointStub()
        {
            int port = FreePorts.Next();
            Url = $"http://127.0.0.1:{port}/msi/token";
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            serving = ServeAsync();
        }

        public string Url { get; }

        public ConcurrentQueue<(string? Header, string Query)> Requests { get; } = new();

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                Requests.Enqueue((context.Request.Headers["X-IDENTITY-HEADER"], context.Request.Url!.Query));
                long expiresOn = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
                byte[] body = Encoding.UTF8.GetBytes(
                    $$"""{"access_token":"{{Token}}","expires_on":"{{expiresOn}}","resource":"https://storage.azure.com","token_type":"Bearer","client_id":"{{ClientId}}"}""");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            listener.Close();
            serving.Wait(TimeSpan.FromSeconds(5));
        }
    }
}

/// <summary>Tests that set the process's managed identity variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManagedIdentityEnvironment
{
    public const string Name = "managed identity environment";
}
