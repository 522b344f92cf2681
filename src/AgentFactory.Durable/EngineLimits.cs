using System.Text;

namespace AgentFactory.Durable;

/// <summary>Serialization and size limits shared by the client, the executor and the worker.</summary>
public sealed class EngineLimits
{
    /// <summary>Converter for every payload.</summary>
    public DataConverter DataConverter { get; init; } = DataConverter.Default;

    /// <summary>
    /// Largest payload (input, output, event data) in UTF-8 bytes. Backends keep large payloads out of
    /// their rows (Azure Storage moves anything over ~45 KB to a blob), so this bounds memory and replay cost.
    /// </summary>
    public int MaxPayloadBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest custom status in UTF-8 bytes; it is read by every status poll, so keep it small.</summary>
    public int MaxCustomStatusBytes { get; init; } = 64 * 1024;

    /// <summary>The defaults.</summary>
    public static EngineLimits Default { get; } = new();

    /// <summary>Throws <see cref="PayloadTooLargeException"/> naming <paramref name="what"/> when the payload is too large.</summary>
    public void EnsurePayloadFits(string? serialized, string what)
    {
        // Cheap bound first: a UTF-8 byte count is at most 3 bytes per UTF-16 char.
        if (serialized is null || serialized.Length * 3L <= MaxPayloadBytes)
        {
            return;
        }

        int size = Encoding.UTF8.GetByteCount(serialized);
        if (size > MaxPayloadBytes)
        {
            throw new PayloadTooLargeException($"The {what} is {size:N0} bytes when serialized; the limit is {MaxPayloadBytes:N0} bytes.");
        }
    }
}
