namespace AgentFactory.Functions.Monitoring;

/// <summary>Where an alert goes.</summary>
public enum AlertDestinationKind
{
    /// <summary>A storage queue of the factory's account (the target is its name).</summary>
    Queue,

    /// <summary>An HTTPS webhook that receives the alert as a JSON POST (the target is its URL).</summary>
    Webhook,
}

/// <summary>When one agent's failed checks raise an alert, and where it goes.</summary>
/// <param name="FailureThreshold">Consecutive failed checks that raise one alert (at least 1).</param>
/// <param name="Destination">Queue or webhook.</param>
/// <param name="Target">The queue name or webhook URL.</param>
public sealed record AlertRule(int FailureThreshold, AlertDestinationKind Destination, string Target);
