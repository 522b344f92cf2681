using System.Net;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Templates;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>How the program runs: test tasks in a sandbox, or queue tasks as a deployed agent.</summary>
internal enum RunMode
{
    Sandbox,
    Service,
}

/// <summary>
/// What every handler of one agent process shares: the configuration, the environment, the mode, the logs, one
/// HTTP connection pool and the clock.
/// </summary>
internal sealed class AgentHost : IDisposable
{
    public AgentHost(AgentConfiguration configuration, AgentEnvironment environment, RunMode mode, JsonLogSink logs, TimeProvider? time = null)
    {
        Configuration = configuration;
        Environment = environment;
        Mode = mode;
        Logs = logs;
        Time = time ?? TimeProvider.System;
        Http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // A redirect would carry an API key header to wherever the server points; callers see the 3xx instead.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each call has its own timeout
        };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("AgentFactory-Agent/1.0");
    }

    public AgentConfiguration Configuration { get; }

    public AgentEnvironment Environment { get; }

    public RunMode Mode { get; }

    public JsonLogSink Logs { get; }

    public TimeProvider Time { get; }

    public HttpClient Http { get; }

    public string AgentName => Configuration.Name;

    public TemplateCategory Kind => Configuration.Settings.Category;

    public string StateDirectory => Environment.StateDirectory(AgentName);

    public bool HasCapability(string capability) => Configuration.Capabilities.Selected?.Contains(capability, StringComparer.Ordinal) ?? false;

    public void Dispose() => Http.Dispose();
}
