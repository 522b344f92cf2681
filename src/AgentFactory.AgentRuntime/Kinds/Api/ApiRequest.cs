using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFactory.AgentRuntime.Tasks;

namespace AgentFactory.AgentRuntime.Kinds.Api;

/// <summary>What came back: a status and body, or an error (<c>timeout</c>, <c>network</c>).</summary>
internal sealed record ApiResponse(int? Status, JsonNode? Body, string? Error, string? Message, int Attempts, long DurationMs);

/// <summary>One HTTP call of a task: method, URL, optional JSON body.</summary>
internal sealed record ApiRequest(HttpMethod Method, Uri Url, JsonElement? Body)
{
    private static readonly HttpMethod[] Methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Head];

    /// <summary>Reads <c>baseUrl</c> (default: the configured one), <c>method</c>, <c>path</c> and <c>body</c>.</summary>
    public static ApiRequest From(JsonElement input, string configuredBaseUrl)
    {
        var baseUrl = input.OptionalString("baseUrl", 2048) ?? configuredBaseUrl;
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
        {
            throw JsonInput.Invalid("baseUrl", "an absolute http(s) URL");
        }

        var name = (input.OptionalString("method", 8) ?? "GET").ToUpperInvariant();
        var method = Methods.FirstOrDefault(m => m.Method == name) ?? throw JsonInput.Invalid("method", "GET, POST, PUT, PATCH, DELETE or HEAD");
        var path = input.OptionalString("path", 2048) ?? "";
        var url = new Uri(root.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/'));
        return new ApiRequest(method, url, input.Field("body")?.Clone());
    }

    public bool IsIdempotent => Method != HttpMethod.Post && Method != HttpMethod.Patch;

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Url);
        if (Body is { } body)
        {
            message.Content = new StringContent(body.GetRawText(), Encoding.UTF8, "application/json");
        }

        message.Headers.Accept.ParseAdd("application/json");
        return message;
    }
}

/// <summary>
/// Sends <see cref="ApiRequest"/>s: each attempt under the timeout, through the credentials; with retries (the
/// <c>retry_backoff</c> capability) a 429, 502–504 or connection failure of an idempotent call is tried again after
/// an exponential backoff (or the server's Retry-After, up to 10 s). A timeout is never retried: the budget is spent.
/// </summary>
internal sealed class ApiSender(HttpClient http, ApiCredentials credentials, TimeProvider time)
{
    private const int MaxResponseCharacters = 1_000_000;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(10);

    public async Task<ApiResponse> SendAsync(ApiRequest request, TimeSpan timeout, int maxRetries, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            using var message = request.ToMessage();
            credentials.Apply(message);
            using var timeoutSource = new CancellationTokenSource(timeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
            TimeSpan? retryAfter = null;
            ApiResponse result;
            try
            {
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, linked.Token);
                var status = (int)response.StatusCode;
                result = new ApiResponse(status, await ReadBodyAsync(response, linked.Token), null, null, attempt, Elapsed(started));
                if (status is not (429 or 502 or 503 or 504))
                {
                    return result;
                }

                retryAfter = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return new ApiResponse(null, null, "timeout", $"no response within {timeout.TotalSeconds:0.###} s", attempt, Elapsed(started));
            }
            catch (HttpRequestException e)
            {
                result = new ApiResponse(null, null, "network", e.HttpRequestError.ToString(), attempt, Elapsed(started));
            }

            if (attempt > maxRetries || !request.IsIdempotent)
            {
                return result;
            }

            var backoff = retryAfter is { } delta && delta < MaxRetryAfter ? delta : TimeSpan.FromMilliseconds(200 * Math.Pow(2, attempt - 1));
            await Task.Delay(backoff, time, cancellationToken);
        }
    }

    private static async Task<JsonNode?> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Not JSON: the body is returned as text (bounded: a result is a line in a log, not a download).
            return JsonValue.Create(text.Length <= MaxResponseCharacters ? text : text[..MaxResponseCharacters]);
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
