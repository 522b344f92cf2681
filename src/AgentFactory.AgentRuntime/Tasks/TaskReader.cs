using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AgentFactory.AgentRuntime.Tasks;

/// <summary>A task read from the input, or why the item could not be read.</summary>
internal readonly record struct TaskRead(AgentTask? Task, string? Error);

/// <summary>
/// Reads tasks: a JSON array of tasks, or JSON lines (one task per line, run as each line arrives, so a sandbox can
/// feed tasks one by one). An unreadable item is reported and the rest still run.
/// </summary>
internal static class TaskReader
{
    public static async IAsyncEnumerable<TaskRead> ReadAsync(TextReader reader, Func<string, string> prepare, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int next;
        while ((next = reader.Peek()) >= 0 && char.IsWhiteSpace((char)next))
        {
            reader.Read();
        }

        if (next == '[')
        {
            foreach (var read in ParseArray(prepare(await reader.ReadToEndAsync(cancellationToken))))
            {
                yield return read;
            }

            yield break;
        }

        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                yield return Parse(prepare(line), $"line {number}");
            }
        }
    }

    private static List<TaskRead> ParseArray(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.EnumerateArray().Select((element, i) => Parse(element, $"item {i}")).ToList();
        }
        catch (JsonException e)
        {
            return [new TaskRead(null, $"The task list is not a JSON array: {e.Message}")];
        }
    }

    private static TaskRead Parse(string text, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return Parse(document.RootElement, where);
        }
        catch (JsonException e)
        {
            return new TaskRead(null, $"{where}: not JSON ({e.Message})");
        }
    }

    private static TaskRead Parse(JsonElement element, string where)
    {
        try
        {
            return new TaskRead(AgentTask.Parse(element), null);
        }
        catch (TaskInputException e)
        {
            return new TaskRead(null, $"{where}: {e.Message}");
        }
    }
}
