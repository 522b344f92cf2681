using System.Text.Json;
using AgentFactory.AgentRuntime.Tasks;
using AgentFactory.AgentRuntime.Tests.Support;

namespace AgentFactory.AgentRuntime.Tests.Kinds;

public class DataHandlerTests
{
    private const string Orders = "order_id,region,amount\n1,north,120.50\n2,south,80.00\n3,north,45.25\n4,east,300.00\n";

    private static IAgentHandler Data() => Agents.Handler(Agents.Host(Agents.Default("tmpl-data")));

    private static string Etl(string content, string steps, string format = "csv", string output = "jsonLines") =>
        $$$"""{"op":"etl","input":{"format":"{{{format}}}","content":{{{JsonSerializer.Serialize(content)}}}},"steps":{{{steps}}},"output":{"format":"{{{output}}}"}}""";

    [Fact(Timeout = 10_000)]
    public async Task Etl_CsvFilterThenMap_KeepsMatchingRowsWithSelectedRenamedNumericFields()
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl(Orders, """[{"filter":{"field":"amount","op":"gte","value":50}},{"map":{"select":["order_id","amount"],"rename":{"order_id":"id"}}}]"""));

        Assert.Equal(4, result.At("$.rowsRead").GetInt32());
        Assert.Equal(3, result.At("$.rowsWritten").GetInt32());
        Assert.Equal("{\"id\":1,\"amount\":120.5}\n{\"id\":2,\"amount\":80}\n{\"id\":4,\"amount\":300}\n", result.At("$.output").GetString());
    }

    [Theory(Timeout = 10_000)]
    [InlineData("eq", "\"north\"", 2)]
    [InlineData("ne", "\"north\"", 2)]
    [InlineData("contains", "\"th\"", 3)]
    [InlineData("lt", "\"o\"", 3)]
    public async Task Etl_FilterOps_CompareStringsOrdinally(string op, string value, int expected)
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl(Orders, $$$"""[{"filter":{"field":"region","op":"{{{op}}}","value":{{{value}}}}}]"""));

        Assert.Equal(expected, result.At("$.rowsWritten").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_NumberFilterAgainstTextField_MatchesNothing()
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl(Orders, """[{"filter":{"field":"region","op":"gt","value":1}}]"""));

        Assert.Equal(0, result.At("$.rowsWritten").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_Aggregate_GroupsSortedByKeyWithEveryAggregation()
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl(Orders, """
            [{"aggregate":{"groupBy":["region"],"aggregations":[
              {"op":"sum","field":"amount","as":"total"},{"op":"count","as":"orders"},{"op":"avg","field":"amount","as":"mean"},
              {"op":"min","field":"amount","as":"low"},{"op":"max","field":"order_id","as":"last"}]}}]
            """.Replace("\n", "", StringComparison.Ordinal)));

        Assert.Equal(["east", "north", "south"], result.At("$.rows").EnumerateArray().Select(r => r.GetProperty("region").GetString()));
        Assert.Equal(165.75m, result.At("$.rows[1].total").GetDecimal());
        Assert.Equal(2, result.At("$.rows[1].orders").GetInt32());
        Assert.Equal(82.875m, result.At("$.rows[1].mean").GetDecimal());
        Assert.Equal(45.25m, result.At("$.rows[1].low").GetDecimal());
        Assert.Equal(3, result.At("$.rows[1].last").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_JsonLinesToCsv_WritesHeaderAndQuotesWhereNeeded()
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl("{\"sku\":\"A1\",\"note\":\"big, red\"}\n{\"sku\":\"B2\",\"qty\":5}\n", "[]", "jsonLines", "csv"));

        Assert.Equal("sku,note,qty\nA1,\"big, red\",\nB2,,5\n", result.At("$.output").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_UnterminatedQuote_ReportsItsLineAndReadsTheRowsAfterIt()
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl("a,b\n1,2\n\"3,4\n5,6\n", "[]"));

        Assert.Equal(3, result.At("$.errors[0].line").GetInt32());
        Assert.Equal(2, result.At("$.rowsWritten").GetInt32());
        Assert.Equal(5, result.At("$.rows[1].a").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_WrongFieldCountAndBadJsonLine_AreReportedPerLine()
    {
        await using var data = Data();

        var csv = await Agents.RunAsync(data, Etl("a,b\n1,2,3\n4,5\n", "[]"));
        var jsonl = await Agents.RunAsync(data, Etl("{\"a\":1}\nnot json\n[1]\n", "[]", "jsonLines"));

        Assert.Equal(2, csv.At("$.errors[0].line").GetInt32());
        Assert.Contains("expected 2 fields", csv.At("$.errors[0].message").GetString(), StringComparison.Ordinal);
        Assert.Equal([2, 3], jsonl.At("$.errors").EnumerateArray().Select(e => e.GetProperty("line").GetInt32()));
        Assert.Equal(1, jsonl.At("$.rowsWritten").GetInt32());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_QuotedNumberAndLeadingZero_StayText()
    {
        await using var data = Data();

        var result = await Agents.RunAsync(data, Etl("zip,n\n\"12\",007\n", "[]"));

        Assert.Equal("12", result.At("$.rows[0].zip").GetString());
        Assert.Equal("007", result.At("$.rows[0].n").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Etl_PathsInTheStateDirectory_ReadAndWriteFiles()
    {
        var host = Agents.Host(Agents.Default("tmpl-data"));
        await File.WriteAllTextAsync(Path.Combine(host.StateDirectory, "in.csv"), "a\n1\n2\n");
        await using var data = Agents.Handler(host);

        var result = await Agents.RunAsync(data, """{"op":"etl","input":{"path":"in.csv"},"steps":[],"output":{"format":"jsonLines","path":"out/result.jsonl"}}""");

        Assert.Equal("{\"a\":1}\n{\"a\":2}\n", await File.ReadAllTextAsync(Path.Combine(host.StateDirectory, "out", "result.jsonl")));
        Assert.Equal(Path.Combine("out", "result.jsonl"), result.At("$.outputPath").GetString());
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"op":"etl","input":{"path":"../escape.csv"},"steps":[]}""", "'input.path'")]
    [InlineData("""{"op":"etl","input":{"content":"a"},"steps":[{"pivot":{}}]}""", "'steps[0]'")]
    [InlineData("""{"op":"etl","input":{"content":"a"},"steps":[{"filter":{"field":"a","op":"like","value":1}}]}""", "'steps[0].filter.op'")]
    [InlineData("""{"op":"etl","input":{"content":"a","format":"xml"},"steps":[]}""", "'input.format'")]
    [InlineData("""{"op":"etl","input":{},"steps":[]}""", "'content' or 'path'")]
    public async Task Handle_BadInput_ThrowsTaskInputException(string input, string expected)
    {
        await using var data = Data();

        var error = await Assert.ThrowsAsync<TaskInputException>(() => Agents.RunAsync(data, input));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
