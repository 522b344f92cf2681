using System.Globalization;
using System.Text.Json;

namespace AgentFactory.Functions.Containers.Azure;

/// <summary>What the runtime keeps of an ARM answer: status, body and the headers that steer long-running operations.</summary>
internal sealed record ArmResponse(int Status, BinaryData Content, Uri? AsyncOperation, Uri? Location, TimeSpan? RetryAfter)
{
    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The body as JSON (an empty object when there is none).</summary>
    public JsonDocument Json() => Content.ToMemory().Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(Content.ToMemory());

    /// <summary>ARM's error (<c>{"error":{"code","message"}}</c>), read leniently: a proxy's HTML page still gives a usable message.</summary>
    public (string? Code, string Message) Error()
    {
        try
        {
            using JsonDocument json = Json();
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out JsonElement error)
                && error.ValueKind == JsonValueKind.Object)
            {
                return (Text(error, "code"), Text(error, "message") ?? "(no message)");
            }
        }
        catch (JsonException)
        {
        }

        return (null, $"HTTP {Status.ToString(CultureInfo.InvariantCulture)} without an ARM error body");
    }

    /// <summary>Retry-After in seconds (ARM's form) or as an HTTP date.</summary>
    public static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at)
            ? at > now ? at - now : TimeSpan.Zero
            : null;
    }

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
