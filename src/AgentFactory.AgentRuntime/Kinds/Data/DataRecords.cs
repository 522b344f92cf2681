using System.Text.Json.Nodes;

namespace AgentFactory.AgentRuntime.Kinds.Data;

/// <summary>A row read from the input, with the line it started on.</summary>
internal sealed record DataRow(int Line, JsonObject Fields);

/// <summary>A line of the input that could not be read; the run goes on without it.</summary>
internal sealed record DataError(int Line, string Message);

/// <summary>What a reader produced: the good rows and the errors, in input order.</summary>
internal sealed record ReadResult(IReadOnlyList<DataRow> Rows, IReadOnlyList<DataError> Errors);
