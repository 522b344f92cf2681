using System.Diagnostics;
using System.Text.Json;

namespace AgentFactory.Functions.Sandbox;

/// <summary>
/// The sandbox HTTP test endpoint (docs/AGENT-RUNTIME.md): the agent program's <c>endpoint</c> command, run on
/// the host at 127.0.0.1 so that sandboxes with network access can reach it. Started on first use, stopped
/// with the app. It is our own fixture, not user code, so it runs outside the sandbox.
/// </summary>
public sealed class SandboxEndpointProcess(SandboxOptions options) : ISandboxEndpoint, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _process;
    private Uri? _url;

    /// <inheritdoc/>
    public async Task<SandboxEndpointPlacement> PlaceAsync(CancellationToken cancellationToken = default) =>
        new((await GetUrlAsync(cancellationToken).ConfigureAwait(false)).AbsoluteUri.TrimEnd('/'), Sidecar: null);

    /// <inheritdoc/>
    /// <remarks>Local agents run on the host's network too, so they reach it at the same address.</remarks>
    public async Task<string?> UrlForAgentsAsync(CancellationToken cancellationToken = default) =>
        (await GetUrlAsync(cancellationToken).ConfigureAwait(false)).AbsoluteUri.TrimEnd('/');

    /// <summary>The endpoint's base URL, starting it when needed.</summary>
    public async Task<Uri> GetUrlAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_url is not null && _process is { HasExited: false })
            {
                return _url;
            }

            _process?.Dispose();
            var start = new ProcessStartInfo(options.DotnetPath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(options.RuntimeDirectory, "AgentFactory.AgentRuntime.dll"));
            start.ArgumentList.Add("endpoint");
            _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the sandbox endpoint.");
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            string? line = await _process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            using JsonDocument announced = JsonDocument.Parse(line ?? throw new InvalidOperationException("The sandbox endpoint exited before it announced its address."));
            _url = new Uri(announced.RootElement.GetProperty("sandboxHttp").GetString()!);
            return _url;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the endpoint. Idempotent: the container disposes it once per registration (it is also the <see cref="ISandboxEndpoint"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        _gate.Dispose();
        if (Interlocked.Exchange(ref _process, null) is not { } process)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        process.Dispose();
    }
}
