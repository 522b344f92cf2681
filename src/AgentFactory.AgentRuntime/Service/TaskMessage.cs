using System.Text;
using System.Text.Json;
using AgentFactory.AgentRuntime.Tasks;

namespace AgentFactory.AgentRuntime.Service;

/// <summary>
/// A task queue message: the JSON <c>{"id": "…", "input": {"op": …}}</c>, as UTF-8 text or Base64 of it (the
/// encoding Azure Functions' queue bindings use by default), so either kind of producer works.
/// </summary>
internal static class TaskMessage
{
    public static TaskRead Parse(BinaryData body)
    {
        var text = body.ToString().Trim();
        if (!text.StartsWith('{'))
        {
            var bytes = new byte[text.Length];
            if (!Convert.TryFromBase64String(text, bytes, out var length))
            {
                return new TaskRead(null, "the message is neither JSON nor Base64-encoded JSON");
            }

            text = Encoding.UTF8.GetString(bytes, 0, length);
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return new TaskRead(AgentTask.Parse(document.RootElement), null);
        }
        catch (JsonException)
        {
            return new TaskRead(null, "the message is not valid JSON");
        }
        catch (TaskInputException e)
        {
            return new TaskRead(null, e.Message);
        }
    }
}
