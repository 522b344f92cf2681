using System.Globalization;
using AgentFactory.Functions.Storage;
using Azure.Data.Tables;

namespace AgentFactory.Functions.Monitoring;

/// <summary>Row layouts. Property names are a storage format: add, never rename.</summary>
public sealed partial class MonitoringTable
{
    private static TableEntity CheckRow(HealthCheck check) => StateRow(new HealthCheckState(check, 0, false, null, null, default));

    private static TableEntity StateRow(HealthCheckState state) => new(Keys.Check(state.Check.TenantId, "tenant"), CheckPrefix + Keys.Check(state.Check.AgentName, "agent name"))
    {
        ["DeploymentId"] = state.Check.DeploymentId,
        ["ContainerName"] = state.Check.ContainerName,
        ["IdleExitIsHealthy"] = state.Check.IdleExitIsHealthy,
        ["ConsecutiveFailures"] = state.ConsecutiveFailures,
        ["Alerted"] = state.Alerted,
        ["LastReason"] = state.LastReason,
        ["UpdatedAt"] = state.UpdatedAt,
        ["CpuCores"] = state.Check.CpuCores.ToString(CultureInfo.InvariantCulture),
        ["MemoryGb"] = state.Check.MemoryGb.ToString(CultureInfo.InvariantCulture),
        ["MeteredRunStartedAt"] = state.MeteredRunStartedAt,
    };

    private static TableEntity RuleRow(string tenantId, string agentName, AlertRule rule) => new(Keys.Check(tenantId, "tenant"), AlertPrefix + Keys.Check(agentName, "agent name"))
    {
        ["FailureThreshold"] = rule.FailureThreshold,
        ["Destination"] = rule.Destination.ToString(),
        ["Target"] = rule.Target,
    };

    private static HealthCheck ToCheck(TableEntity row) => new(
        row.PartitionKey,
        row.RowKey[CheckPrefix.Length..],
        row.GetString("DeploymentId"),
        row.GetString("ContainerName"),
        row.GetBoolean("IdleExitIsHealthy") ?? false,
        Decimal(row, "CpuCores"),
        Decimal(row, "MemoryGb"));

    private static decimal Decimal(TableEntity row, string name) =>
        decimal.TryParse(row.GetString(name), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) ? value : 0m;

    private static HealthCheckState ToState(TableEntity row) => new(
        ToCheck(row),
        row.GetInt32("ConsecutiveFailures") ?? 0,
        row.GetBoolean("Alerted") ?? false,
        row.GetString("LastReason"),
        row.GetDateTimeOffset("UpdatedAt"),
        row.ETag,
        row.GetDateTimeOffset("MeteredRunStartedAt"));

    private static AlertRule ToRule(TableEntity row) => new(
        row.GetInt32("FailureThreshold") ?? 1,
        Enum.Parse<AlertDestinationKind>(row.GetString("Destination")),
        row.GetString("Target"));
}
