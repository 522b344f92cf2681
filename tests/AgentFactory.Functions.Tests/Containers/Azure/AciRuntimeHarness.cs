using System.Collections.Concurrent;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>The Container Instances runtime pointed at an <see cref="ArmStub"/>, with the waits it asks for recorded instead of slept.</summary>
internal sealed class AciRuntimeHarness
{
    /// <param name="stub">The stub the runtime talks to.</param>
    /// <param name="configure">Changes to the runtime's options.</param>
    /// <param name="pause">
    /// What a wait does after it is recorded: nothing by default (contract tests play states on request); a short real
    /// pause when real processes run the groups (<see cref="AciGroupRunner"/>), so polling does not spin.
    /// </param>
    public AciRuntimeHarness(ArmStub stub, Action<ContainerInstancesOptions>? configure = null, TimeSpan? pause = null)
    {
        Options = new ContainerInstancesOptions
        {
            SubscriptionId = ArmStub.Subscription,
            ResourceGroup = ArmStub.ResourceGroup,
            Location = "westeurope",
            Endpoint = stub.Endpoint,
        };
        configure?.Invoke(Options);
        // Trusts exactly the stub's certificate: the real BearerTokenAuthenticationPolicy insists on TLS.
        var transport = new HttpClientTransport(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == stub.Certificate.Thumbprint,
        });
        var clientOptions = new ContainerInstancesClientOptions { Transport = transport };
        Client = new ContainerInstancesClient(Options, new StaticToken(), clientOptions, delay: (wait, token) =>
        {
            token.ThrowIfCancellationRequested();
            Waits.Enqueue(wait);
            return pause is { } interval ? Task.Delay(interval, token) : Task.CompletedTask;
        });
        Runtime = new ContainerInstancesRuntime(Client, Options);
    }

    public ContainerInstancesOptions Options { get; }

    public ContainerInstancesClient Client { get; }

    public ContainerInstancesRuntime Runtime { get; }

    public ConcurrentQueue<TimeSpan> Waits { get; } = new();

    public static string NewName() => "agent-" + Guid.NewGuid().ToString("N")[..12];

    public static ContainerSpec Spec(string name, string plain = "batch", string secret = "s3cr3t-value") => new()
    {
        Name = name,
        Image = "factory.azurecr.io/agent-runtime:1.0",
        Command = ["dotnet", "/app/AgentFactory.AgentRuntime.dll", "service"],
        Environment = [new("MODE", plain), ContainerEnvironmentVariable.Secret("API_KEY", secret)],
        CpuCores = 1.5m,
        MemoryBytes = 2L * 1024 * 1024 * 1024,
        NetworkAccess = true,
        Labels = new Dictionary<string, string> { ["tenant"] = "contoso", ["deployment"] = "dep-42" },
    };

    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(ArmStub.Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
