using System.Text.Json;

namespace AgentFactory.Functions.Apis;

/// <summary>A request body read as one JSON value: null when the body is empty or the JSON literal null.</summary>
internal readonly record struct JsonBody(JsonElement? Value, string? Error)
{
    public bool IsValid => Error is null;

    /// <summary>The value boxed for the engine's data converter, which writes a <see cref="JsonElement"/> back as the same JSON.</summary>
    public object? Payload => Value;

    public static async Task<JsonBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        ReadOnlyMemory<byte> bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            return new(null, null);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes);
            return new(document.RootElement.ValueKind == JsonValueKind.Null ? null : document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return new(null, $"The request body is not valid JSON: {ex.Message}");
        }
    }
}
