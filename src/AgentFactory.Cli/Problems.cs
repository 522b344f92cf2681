using System.Text.Json;

namespace AgentFactory.Cli;

/// <summary>Writes an API error for people: the ProblemDetails title and detail, then one line per field error.</summary>
internal static class Problems
{
    public static void Write(TextWriter error, ApiException ex)
    {
        JsonElement problem = default;
        try
        {
            using JsonDocument document = JsonDocument.Parse(ex.Body);
            problem = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, an empty 401): the status and a little of the body say enough.
        }

        if (problem.ValueKind != JsonValueKind.Object)
        {
            string text = ex.Body.Trim();
            error.WriteLine($"error: HTTP {ex.Status}{(text.Length > 0 ? ": " + Text.Truncate(text.ReplaceLineEndings(" "), 300) : "")}");
            return;
        }

        string title = Text.Of(problem, "title") ?? "Request failed";
        error.WriteLine($"error: {title} (HTTP {ex.Status})");
        var fieldErrors = new List<(string Field, string Message)>();
        if (problem.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty field in errors.EnumerateObject())
            {
                IEnumerable<string> messages = field.Value.ValueKind == JsonValueKind.Array
                    ? field.Value.EnumerateArray().Select(m => m.ToString())
                    : [field.Value.ToString()];
                fieldErrors.AddRange(messages.Select(m => (field.Name.Length == 0 ? "(body)" : field.Name, m)));
            }
        }

        // A validation problem's detail often just repeats its field errors: say it once.
        if (Text.Of(problem, "detail") is { Length: > 0 } detail && detail != string.Join(" ", fieldErrors.Select(f => f.Message)))
        {
            error.WriteLine("  " + detail);
        }

        foreach ((string field, string message) in fieldErrors)
        {
            error.WriteLine($"  {field}: {message}");
        }
    }
}
