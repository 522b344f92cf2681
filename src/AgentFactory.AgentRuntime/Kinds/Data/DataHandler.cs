using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.Core.Configuration.Settings;

namespace AgentFactory.AgentRuntime.Kinds.Data;

/// <summary>
/// The data agent: <c>etl</c> reads CSV or JSON lines (inline <c>content</c>, or a <c>path</c> in the agent's state
/// directory), applies the steps in order, and writes the result in the output format (returned as <c>output</c>,
/// and written to <c>output.path</c> when given). Formats default to the settings'.
/// </summary>
internal sealed class DataHandler(DataSettings settings, string stateDirectory) : IAgentHandler
{
    /// <summary>At most this many rows are echoed in the result's <c>rows</c> (the output holds them all).</summary>
    public const int MaxRowsInResult = 1000;
    private const int MaxErrors = 100;
    private const int MaxContentCharacters = 50_000_000;

    public async Task<object> HandleAsync(string op, JsonElement input, CancellationToken cancellationToken)
    {
        if (op != "etl")
        {
            throw new TaskInputException($"Unknown op '{op}' for a data agent: use etl.");
        }

        var source = input.RequiredObject("input");
        var target = input.OptionalObject("output");
        var inputFormat = Format(source, "input.format", settings.InputFormat);
        var outputFormat = target is { } t ? Format(t, "output.format", settings.OutputFormat) : settings.OutputFormat;
        var steps = input.Array("steps", 100).Select(PipelineSteps.Parse).ToList();
        var content = source.OptionalString("content", MaxContentCharacters)
            ?? (source.OptionalString("path", 1024) is { } path ? await File.ReadAllTextAsync(StatePath(path, "input.path"), cancellationToken)
            : throw new TaskInputException("'input' needs 'content' or 'path'."));

        var read = inputFormat == DataFormat.Csv ? CsvFormat.Read(content) : JsonLinesFormat.Read(content);
        IEnumerable<JsonObject> rows = read.Rows.Select(row => row.Fields);
        rows = steps.Aggregate(rows, (current, step) => step(current));
        var written = rows.ToList();
        var output = outputFormat == DataFormat.Csv ? CsvFormat.Write(written) : JsonLinesFormat.Write(written);
        string? outputPath = null;
        if (target?.OptionalString("path", 1024) is { } relative)
        {
            outputPath = StatePath(relative, "output.path");
            Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
            await File.WriteAllTextAsync(outputPath, output, cancellationToken);
        }

        return new
        {
            rowsRead = read.Rows.Count,
            rowsWritten = written.Count,
            rows = new JsonArray([.. written.Take(MaxRowsInResult)]),
            output,
            outputPath = outputPath is null ? null : Path.GetRelativePath(stateDirectory, outputPath),
            errors = read.Errors.Take(MaxErrors).Select(error => new { line = error.Line, message = error.Message }).ToList(),
            errorCount = read.Errors.Count,
        };
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static DataFormat Format(JsonElement element, string name, DataFormat fallback) => element.OptionalString("format", 16) switch
    {
        null => fallback,
        "csv" => DataFormat.Csv,
        "jsonLines" => DataFormat.JsonLines,
        _ => throw JsonInput.Invalid(name, "'csv' or 'jsonLines'"),
    };

    // Files only inside the state directory: a task must not read or overwrite the agent's neighbours.
    private string StatePath(string relative, string name)
    {
        var root = Path.GetFullPath(stateDirectory);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw JsonInput.Invalid(name, "a relative path inside the agent's state directory");
    }
}
