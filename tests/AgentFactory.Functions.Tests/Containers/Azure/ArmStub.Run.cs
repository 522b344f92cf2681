using System.Text.Json.Nodes;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>Hooks that let a test run a group's containers as ACI would once it starts them (see <see cref="AciGroupRunner"/>).</summary>
public sealed partial class ArmStub
{
    /// <summary>
    /// Called when a start of a group completes, with the group as it was PUT (secure values and secret volumes
    /// included): ACI runs its containers from then on. Not called for the run between a create and the runtime's stop.
    /// </summary>
    public Action<string, JsonObject>? ContainersStarted { get; set; }

    /// <summary>Called when a group is stopped or deleted: whatever runs in it ends.</summary>
    public Action<string>? ContainersStopped { get; set; }

    /// <summary>
    /// Ends one container of a group as ACI reports it: that container Terminated with its exit code and the group's
    /// log content set; the group stays Running while another of its containers runs.
    /// </summary>
    public void ExitContainer(string name, string container, int exitCode, string log)
    {
        lock (_gate)
        {
            if (Group(name) is not { } group || group["properties"]?["instanceView"]?["state"]?.GetValue<string>() != "Running")
            {
                return;
            }

            bool othersRun = false;
            foreach (JsonNode? node in group["properties"]!["containers"]!.AsArray())
            {
                JsonObject view = (JsonObject)node!["properties"]!["instanceView"]!;
                if (node["name"]!.GetValue<string>() == container)
                {
                    view["currentState"] = new JsonObject
                    {
                        ["state"] = "Terminated", ["exitCode"] = exitCode, ["detailStatus"] = exitCode == 0 ? "Completed" : "Error",
                        ["startTime"] = "2026-11-24T01:00:00Z", ["finishTime"] = "2026-11-24T01:05:00Z",
                    };
                }
                else
                {
                    othersRun |= view["currentState"]?["state"]?.GetValue<string>() == "Running";
                }
            }

            if (container == name)
            {
                group["agentfactory-stub-log"] = log;
            }

            if (!othersRun)
            {
                group["properties"]!["instanceView"]!["state"] = exitCode == 0 ? "Succeeded" : "Failed";
            }
        }
    }
}
