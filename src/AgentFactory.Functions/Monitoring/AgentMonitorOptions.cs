namespace AgentFactory.Functions.Monitoring;

/// <summary>Settings of <see cref="AgentMonitor"/> (section <c>AgentFactory:Monitoring</c>).</summary>
public sealed class AgentMonitorOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "AgentFactory:Monitoring";

    /// <summary>Time between two monitoring passes.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Agents checked at the same time within one pass.</summary>
    public int MaxParallelChecks { get; set; } = 4;

    /// <summary>Longest wait for a webhook to answer one alert.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
