using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.Core;
using AgentFactory.Core.Templates;
using AgentFactory.Functions.Tests.EndToEnd;
using Xunit.Abstractions;

namespace AgentFactory.Cli.Tests;

/// <summary>
/// <c>--wait</c> when the way to the app is not a clean stream: a proxy that drops <c>Accept</c> (JSON pages, polled
/// with the cursor) and a connection cut in the middle of the stream (resumed after the last event printed). In both,
/// every event of the log is printed exactly once.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class ProgressResilienceTests(WizardApp app, ITestOutputHelper log)
{
    private async Task<(CliRun Run, string[] EventLines, int EventCount)> CreateThroughAsync(HttpMessageHandler handler)
    {
        (string tenant, string key) = await CliHost.NewTenantAsync(app);
        string name = "cli-res-" + Guid.NewGuid().ToString("N")[..6];
        app.RemoveLater(tenant, name);
        string path = Path.Combine(Path.GetTempPath(), name + ".json");
        try
        {
            JsonNode configuration = JsonSerializer.SerializeToNode(
                TemplateCatalog.LoadEmbedded().Get("tmpl-blank")!.CreateDefaultConfiguration(name), AgentFactoryJson.Options)!;
            await File.WriteAllTextAsync(path, configuration.ToJsonString());
            using var output = new StringWriter();
            using var error = new StringWriter();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            int code = await CliApp.RunAsync(["agents", "create", "--config", path, "--wait", "--url", CliHost.Url(app), "--key", key],
                output, error, _ => null, handler, timeout.Token);
            var run = new CliRun(code, output.ToString(), error.ToString());
            log.WriteLine(run.ToString());
            Assert.True(code == ExitCodes.Success, run.ToString());

            string id = run.Out.Split(' ')[1];
            CliRun events = await CliHost.RunAsync(app, key, "agents", "status", id, "--json");
            long last = JsonDocument.Parse(events.Out).RootElement.GetProperty("creation").GetProperty("lastEventSequence").GetInt64();
            string[] lines = [.. run.Out.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\d:\d\d:\d\d  \["))];
            return (run, lines, (int)last);
        }
        finally
        {
            File.Delete(path);
            await app.RemoveContainersAsync();
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Wait_WithoutAStream_PollsJsonPages_PrintingEachEventOnce()
    {
        using var handler = new DropAccept { InnerHandler = new SocketsHttpHandler() };

        (CliRun run, string[] lines, int count) = await CreateThroughAsync(handler);

        Assert.True(handler.EventRequests > 1, "the pages were asked for more than once");
        Assert.Equal(count, lines.Length);
        Assert.Single(lines, l => l.Contains(" Created ", StringComparison.Ordinal));
        Assert.Contains("Succeeded: agent ", run.Out, StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Wait_ConnectionCutMidStream_ResumesAfterTheLastEvent_PrintingEachEventOnce()
    {
        using var handler = new CutFirstStream(bytes: 1500) { InnerHandler = new SocketsHttpHandler() };

        (CliRun run, string[] lines, int count) = await CreateThroughAsync(handler);

        Assert.True(handler.Cut, "the stream was cut");
        Assert.Contains("(connection lost: cut by the test; resuming after event ", run.Out, StringComparison.Ordinal);
        Assert.Equal(count, lines.Length);
        Assert.Equal(lines.Length, lines.Distinct().Count());
    }

    /// <summary>A proxy that forwards without the Accept header: the events route answers JSON pages.</summary>
    private sealed class DropAccept : DelegatingHandler
    {
        public int EventRequests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/events", StringComparison.Ordinal))
            {
                EventRequests++;
                request.Headers.Accept.Clear();
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Breaks the first event stream after some bytes, as a dropped connection does.</summary>
    private sealed class CutFirstStream(int bytes) : DelegatingHandler
    {
        public bool Cut { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (Cut || response.Content.Headers.ContentType?.MediaType != "text/event-stream")
            {
                return response;
            }

            Cut = true;
            var cut = new StreamContent(new CuttingStream(await response.Content.ReadAsStreamAsync(cancellationToken), bytes));
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
            {
                cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = cut;
            return response;
        }
    }

    private sealed class CuttingStream(Stream inner, int limit) : Stream
    {
        private int _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_read >= limit)
            {
                throw new IOException("cut by the test");
            }

            int n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, limit - _read)], cancellationToken);
            _read += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
