using System.Text.Json;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Sandbox;

namespace AgentFactory.Functions.Tests.Sandbox;

public sealed class SandboxJudgeTests
{
    private static readonly SandboxTestTask Echo = JsonSerializer.Deserialize<SandboxTestTask>("""
        {"id":"echo","description":"Echoes.","covers":[],"input":{"op":"echo","text":"hi"},
         "expect":[{"path":"$.text","kind":"equals","value":"hi"}]}
        """, AgentFactoryJson.Options)!;

    private static ContainerLogLine Line(long sequence, string text) => new(sequence, DateTimeOffset.UnixEpoch, ContainerLogStream.StandardOutput, text);

    [Fact]
    public void Judge_LogRecordsNamingTheTaskInTheSameStream_OnlyTheResultLineCounts()
    {
        // Container Instances keeps stderr (log records) and stdout (results) in one log, in no guaranteed order.
        ContainerLogLine[] lines =
        [
            Line(1, """{"ts":"2026-11-24T01:00:00Z","level":"information","category":"tasks","message":"Task echo (echo) started","taskId":"echo","op":"echo"}"""),
            Line(2, """{"taskId":"echo","ok":true,"result":{"text":"hi"},"durationMs":3}"""),
            Line(3, """{"ts":"2026-11-24T01:00:01Z","level":"warning","category":"tasks","message":"Task echo failed: late","taskId":"echo","ok":false,"error":"late"}"""),
        ];

        SandboxTaskResult result = Assert.Single(SandboxJudge.Judge([Echo], lines, null, new ContainerStatus("sbx", ContainerState.Succeeded, 0)));

        Assert.True(result.Passed, result.Failure);
    }

    [Fact]
    public void Judge_OnlyLogRecords_TheTaskDidNotFinish()
    {
        ContainerLogLine[] lines =
        [
            Line(1, """{"ts":"2026-11-24T01:00:00Z","level":"information","category":"tasks","message":"Task echo (echo) started","taskId":"echo","op":"echo"}"""),
        ];

        SandboxTaskResult result = Assert.Single(SandboxJudge.Judge([Echo], lines, null, new ContainerStatus("sbx", ContainerState.Failed, 1)));

        Assert.False(result.Passed);
        Assert.StartsWith("Task 'echo' did not finish", result.Failure, StringComparison.Ordinal);
    }
}
