using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AgentFactory.Cli;

/// <summary>An answer of the API with a success status (2xx).</summary>
internal sealed record ApiResponse(HttpStatusCode Status, string Body, HttpResponseHeaders Headers)
{
    public JsonDocument Json() => JsonDocument.Parse(Body.Length == 0 ? "null" : Body);

    public string? Header(string name) => Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}

/// <summary>An answer of the API with an error status, and the ProblemDetails it carried, if any.</summary>
internal sealed class ApiException(int status, string body) : Exception($"HTTP {status}")
{
    public int Status { get; } = status;

    public string Body { get; } = body;
}

/// <summary>
/// The HTTP side: the base URL, the key in <c>x-functions-key</c> on every request (and nowhere else), and every
/// non-2xx answer turned into an <see cref="ApiException"/>.
/// </summary>
internal sealed class FactoryClient : IDisposable
{
    public const string KeyHeader = "x-functions-key";

    /// <summary>A single request/response must not hang a script; live streams have their own deadline.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private readonly HttpClient _http;

    public FactoryClient(Uri baseAddress, string key, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.Add(KeyHeader, key);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("agentfactory-cli", "0.1"));
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public Task<ApiResponse> GetAsync(string path, CancellationToken cancellationToken, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken, configure);

    public Task<ApiResponse> PostJsonAsync(string path, string? json, CancellationToken cancellationToken, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Post, path, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken, configure);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        configure?.Invoke(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            using HttpResponseMessage response = await _http.SendAsync(request, deadline.Token);
            string body = await response.Content.ReadAsStringAsync(deadline.Token);
            return (int)response.StatusCode is >= 200 and < 300
                ? new ApiResponse(response.StatusCode, body, response.Headers)
                : throw new ApiException((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"No answer from {_http.BaseAddress} within {RequestTimeout.TotalSeconds:0} s ({method} {path}).");
        }
    }

    /// <summary>Opens a response for streaming (Server-Sent Events); the caller reads and disposes it.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if ((int)response.StatusCode is >= 200 and < 300)
        {
            return response;
        }

        using (response)
        {
            throw new ApiException((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
    }

    public void Dispose() => _http.Dispose();
}
