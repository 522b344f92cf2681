using System.Text.Json.Serialization;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Durable Functions' management links for one instance (<c>CreateCheckStatusResponse</c> / <c>HttpManagementPayload</c>):
/// absolute URIs under <c>/runtime/webhooks/durabletask</c>. <c>{eventName}</c> and <c>{text}</c> are placeholders the caller fills in.
/// </summary>
public sealed record HttpManagementPayload(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("statusQueryGetUri")] string StatusQueryGetUri,
    [property: JsonPropertyName("sendEventPostUri")] string SendEventPostUri,
    [property: JsonPropertyName("terminatePostUri")] string TerminatePostUri,
    [property: JsonPropertyName("purgeHistoryDeleteUri")] string PurgeHistoryDeleteUri,
    [property: JsonPropertyName("restartPostUri")] string RestartPostUri,
    [property: JsonPropertyName("suspendPostUri")] string SuspendPostUri,
    [property: JsonPropertyName("resumePostUri")] string ResumePostUri);
