using System.Runtime.Versioning;
using System.Text;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;

namespace AgentFactory.Functions.Tests.Containers;

[SupportedOSPlatform("linux")]
public sealed class ContainerLogFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("container-log-").FullName;

    private string LogPath => Path.Combine(_directory, "log.jsonl");

    [Fact]
    public void Open_ExistingLog_ContinuesTheSequence()
    {
        using (var first = ContainerLogFile.Open(LogPath, 1024 * 1024, TimeProvider.System))
        {
            first.Append(ContainerLogStream.StandardOutput, "a");
            first.Append(ContainerLogStream.StandardError, "b");
        }

        using (var second = ContainerLogFile.Open(LogPath, 1024 * 1024, TimeProvider.System))
        {
            second.Append(ContainerLogStream.Runtime, "c");
        }

        ContainerLogPage page = ContainerLogFile.Read(LogPath, after: 0, maxLines: 10);
        Assert.Equal([(1L, "a"), (2L, "b"), (3L, "c")], page.Lines.Select(l => (l.Sequence, l.Text)));
        Assert.Equal((3L, false), (page.Cursor, page.HasMore));
    }

    [Fact]
    public void Read_LastLineHalfWritten_StopsBeforeItUntilItIsWhole()
    {
        using (var log = ContainerLogFile.Open(LogPath, 1024 * 1024, TimeProvider.System))
        {
            log.Append(ContainerLogStream.StandardOutput, "whole");
        }

        File.AppendAllText(LogPath, "{\"seq\":2,\"time\":\"2026-", Encoding.UTF8);

        Assert.Equal(["whole"], ContainerLogFile.Read(LogPath, 0, 10).Lines.Select(l => l.Text));
    }

    [Fact]
    public void Append_PastTheSizeLimit_DropsOutputKeepsRuntimeLinesAndCounts()
    {
        using var log = ContainerLogFile.Open(LogPath, maxBytes: 200, TimeProvider.System);
        for (int i = 0; i < 10; i++)
        {
            log.Append(ContainerLogStream.StandardOutput, "line " + i);
        }

        log.Append(ContainerLogStream.Runtime, "exited");

        string[] texts = [.. ContainerLogFile.Read(LogPath, 0, 100).Lines.Select(l => l.Text)];
        Assert.Equal("log limit of 200 bytes reached; further output is dropped", texts[^2]);
        Assert.Equal("exited", texts[^1]);
        Assert.Equal(10 - (texts.Length - 2), log.Dropped);
    }

    [Fact]
    public async Task LogPump_LongLinesAndCrLf_SplitAtTheLimitAndTrimmed()
    {
        using (var log = ContainerLogFile.Open(LogPath, 1024 * 1024, TimeProvider.System))
        {
            using var reader = new StreamReader(new MemoryStream(Encoding.UTF8.GetBytes("short\r\n" + new string('x', 25) + "\nlast")));
            await LogPump.RunAsync(reader, ContainerLogStream.StandardOutput, log, maxLineChars: 10);
        }

        Assert.Equal(["short", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxx", "last"], ContainerLogFile.Read(LogPath, 0, 100).Lines.Select(l => l.Text));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
