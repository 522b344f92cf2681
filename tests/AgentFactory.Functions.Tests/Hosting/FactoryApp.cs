using System.Collections.Concurrent;
using AgentFactory.Functions.Hosting;
using AgentFactory.Functions.Storage;
using AgentFactory.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.Hosting;

/// <summary>
/// The real app (Program) on Kestrel over Azurite, with tables and a task hub of its own, the test-only endpoints of
/// <see cref="TestEndpoints"/>, the development key's console and every log line captured.
/// </summary>
public class FactoryApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    public FactoryApp() => UseKestrel(0);

    public string TablePrefix => "h" + _id;

    public StringWriter Console { get; } = new();

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Settings on top of the test defaults (e.g. <c>AgentFactory:Auth:...</c>).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    public ApiKeyStore Keys => Services.GetRequiredService<ApiKeyStore>();

    public ApiKeyTable KeyTable => Services.GetRequiredService<ApiKeyTable>();

    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => CreateClient();

    /// <summary>A client sending a new key of <paramref name="tenant"/> with <paramref name="role"/> in x-functions-key.</summary>
    public async Task<HttpClient> WithKeyAsync(string role, string tenant = "contoso")
    {
        string key = await Keys.CreateAsync(tenant, role, "test");
        HttpClient client = CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", key);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("AGENTFACTORY_STORAGE", AzuriteConnection.ConnectionString);
        builder.UseSetting("AgentFactory:TablePrefix", TablePrefix);
        builder.UseSetting("DurableTask:TaskHub", TablePrefix);
        // Production refuses to start without the key that encrypts configurations' secrets.
        builder.UseSetting("AgentFactory:Secrets:Key", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        foreach ((string key, string? value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton(new DevelopmentKeyConsole(Console));
            services.AddSingleton<IStartupFilter, TestEndpoints>();
        });
        // Debug and up, under the app's own filters (a category rule such as Hosting.Diagnostics=Warning still applies).
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new CapturingLoggerProvider(Logs)));
    }

    public virtual Task InitializeAsync()
    {
        StartServer();
        return Task.CompletedTask;
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        ApiKeyTable keys = KeyTable;
        FactoryTables tables = Services.GetRequiredService<FactoryTables>();
        await base.DisposeAsync();
        await keys.Table.DeleteAsync();
        await tables.DeleteAsync();
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
