using System.Text;
using System.Text.Json;

namespace AgentFactory.Functions.Orchestration.Secrets;

/// <summary>
/// A secret environment variable's value in a configuration document: <c>/advanced/environment/{Index}/value</c>.
/// <see cref="ToString"/> leaves the value out.
/// </summary>
internal sealed class SecretField(int index, string? name, JsonElement value)
{
    public int Index { get; } = index;

    /// <summary>The variable's name, when it is a string.</summary>
    public string? Name { get; } = name;

    /// <summary>The value as submitted (<see cref="JsonValueKind.Undefined"/> when the entry has none).</summary>
    public JsonElement Value { get; } = value;

    public string Pointer => $"/advanced/environment/{Index}/value";

    public override string ToString() => $"secret {Name} at {Pointer}";
}

/// <summary>
/// Finds and rewrites the secret values of a configuration document without reading it into the typed model, so it
/// works on any input, valid or not. Property names match ignoring case, and an entry counts as secret unless its
/// <c>secret</c> is absent, false or null: a document the validator will refuse (a misspelt <c>Secret</c>, a
/// <c>"secret": "yes"</c>) still never carries its value past the facade.
/// </summary>
internal static class SecretFields
{
    /// <summary>The secret fields of <paramref name="root"/>, in document order.</summary>
    public static IReadOnlyList<SecretField> Find(JsonElement root)
    {
        var found = new List<SecretField>();
        Rewrite(root, field =>
        {
            found.Add(field);
            return null;
        });
        return found;
    }

    /// <summary>
    /// <paramref name="root"/> (an object) with every secret value replaced by what <paramref name="replace"/> returns for
    /// it (JSON null for null); everything else is copied as it is. <paramref name="replace"/> also sees entries that have
    /// no value (its answer is then not written).
    /// </summary>
    public static string Rewrite(JsonElement root, Func<SecretField, string?> replace)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                writer.WriteNullValue();
            }
            else
            {
                CopyObject(root, writer, (property, w) =>
                {
                    if (Named(property, "advanced") && property.Value.ValueKind == JsonValueKind.Object)
                    {
                        CopyObject(property.Value, w, (inner, w2) => CopyAdvanced(inner, w2, replace));
                        return true;
                    }

                    return false;
                });
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Copies an object; <paramref name="special"/> writes a property's value itself when it returns true.</summary>
    private static void CopyObject(JsonElement element, Utf8JsonWriter writer, Func<JsonProperty, Utf8JsonWriter, bool> special)
    {
        writer.WriteStartObject();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            if (!special(property, writer))
            {
                property.Value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static bool CopyAdvanced(JsonProperty property, Utf8JsonWriter writer, Func<SecretField, string?> replace)
    {
        if (!Named(property, "environment") || property.Value.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        writer.WriteStartArray();
        int index = 0;
        foreach (JsonElement item in property.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && IsSecret(item))
            {
                CopySecretItem(item, index, writer, replace);
            }
            else
            {
                item.WriteTo(writer);
            }

            index++;
        }

        writer.WriteEndArray();
        return true;
    }

    private static void CopySecretItem(JsonElement item, int index, Utf8JsonWriter writer, Func<SecretField, string?> replace)
    {
        string? name = item.EnumerateObject().Where(p => Named(p, "name") && p.Value.ValueKind == JsonValueKind.String)
            .Select(p => p.Value.GetString()).FirstOrDefault();
        bool hasValue = false;
        CopyObject(item, writer, (property, w) =>
        {
            if (!Named(property, "value"))
            {
                return false;
            }

            hasValue = true;
            string? replacement = replace(new SecretField(index, name, property.Value));
            if (replacement is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStringValue(replacement);
            }

            return true;
        });
        if (!hasValue)
        {
            // No value at all: still a secret field, so the merge can say that its value is missing.
            replace(new SecretField(index, name, default));
        }
    }

    private static bool IsSecret(JsonElement item) =>
        item.EnumerateObject().Any(p => Named(p, "secret") && p.Value.ValueKind is not (JsonValueKind.False or JsonValueKind.Null));

    private static bool Named(JsonProperty property, string name) => string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);
}
