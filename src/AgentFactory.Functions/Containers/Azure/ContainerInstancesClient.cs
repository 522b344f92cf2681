using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AgentFactory.Functions.Containers.Azure;

/// <summary>Transport settings of <see cref="ContainerInstancesClient"/> (retries, transport, diagnostics) as Azure.Core defines them.</summary>
public sealed class ContainerInstancesClientOptions : ClientOptions
{
}

/// <summary>
/// The few Azure Resource Manager calls the Container Instances runtime needs, on one Azure.Core pipeline: a bearer
/// token from a <see cref="TokenCredential"/>, Azure.Core's retries for transient failures, and ARM's own rules on top —
/// the pinned api-version on every request, 429 waited out for as long as <c>Retry-After</c> says, and long-running
/// operations followed through <c>Azure-AsyncOperation</c> (else <c>Location</c>) at the pace <c>Retry-After</c> sets.
/// </summary>
public class ContainerInstancesClient
{
    private readonly HttpPipeline _pipeline;
    private readonly ContainerInstancesOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    /// <summary>Creates the client.</summary>
    /// <param name="options">Where the agents' resource group is.</param>
    /// <param name="credential">The identity that signs requests (managed identity in Azure).</param>
    /// <param name="clientOptions">Transport settings; defaults to Azure.Core's.</param>
    /// <param name="timeProvider">The clock for HTTP-date <c>Retry-After</c> values.</param>
    /// <param name="delay">How to wait between polls and after a 429; tests record the waits instead of sleeping.</param>
    public ContainerInstancesClient(ContainerInstancesOptions options, TokenCredential credential, ContainerInstancesClientOptions? clientOptions = null,
        TimeProvider? timeProvider = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credential);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _delay = delay ?? ((wait, token) => Task.Delay(wait, _time, token));
        _pipeline = HttpPipelineBuilder.Build(clientOptions ?? new ContainerInstancesClientOptions(), [],
            [new BearerTokenAuthenticationPolicy(credential, options.Scope)], new ThrottlingLeftToCaller());
    }

    /// <summary>The container group's ARM path.</summary>
    public string GroupPath(string name) => $"{_options.ResourceGroupPath}/providers/Microsoft.ContainerInstance/containerGroups/{name}";

    /// <summary>Sends one request to <paramref name="path"/> (below the endpoint, api-version added), waiting out throttling.</summary>
    internal Task<ArmResponse> SendAsync(RequestMethod method, string path, byte[]? body = null, string? query = null,
        CancellationToken cancellationToken = default) =>
        SendAsync(method, new Uri(_options.Endpoint, $"{path}?api-version={ContainerInstancesOptions.ApiVersion}{query}"), body, cancellationToken);

    /// <summary>A GET below the endpoint under another provider's pinned api-version (Azure Monitor's), waiting out throttling.</summary>
    internal Task<ArmResponse> GetAsync(string path, string apiVersion, string query, CancellationToken cancellationToken) =>
        SendAsync(RequestMethod.Get, new Uri(_options.Endpoint, $"{path}?api-version={apiVersion}{query}"), null, cancellationToken);

    /// <summary>
    /// Follows a long-running operation that <paramref name="initial"/> started, until it succeeds; throws
    /// <see cref="ContainerInstancesException"/> (or <see cref="ContainerQuotaExceededException"/>) when it fails or is canceled.
    /// Without either header the operation is already complete.
    /// </summary>
    internal async Task WaitForOperationAsync(ArmResponse initial, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.OperationTimeout);
        TimeSpan? wait = initial.RetryAfter;
        if (initial.AsyncOperation is { } operation)
        {
            while (true)
            {
                await DelayAsync(wait, what, timeout.Token, cancellationToken).ConfigureAwait(false);
                ArmResponse poll = await SendAsync(RequestMethod.Get, CheckedPollUri(operation), null, timeout.Token).ConfigureAwait(false);
                if (!poll.IsSuccess)
                {
                    throw Failure(poll, what);
                }

                using JsonDocument json = poll.Json();
                string? status = ArmResponse.Text(json.RootElement, "status");
                if (string.Equals(status, "Succeeded", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                if (status is not null && (status.Equals("Failed", StringComparison.OrdinalIgnoreCase) || status.Equals("Canceled", StringComparison.OrdinalIgnoreCase)))
                {
                    JsonElement error = json.RootElement.TryGetProperty("error", out JsonElement e) ? e : default;
                    throw Failure(0, ArmResponse.Text(error, "code"), ArmResponse.Text(error, "message") ?? $"the operation ended {status}", what);
                }

                wait = poll.RetryAfter;
            }
        }

        if (initial.Status == 202 && initial.Location is { } location)
        {
            while (true)
            {
                await DelayAsync(wait, what, timeout.Token, cancellationToken).ConfigureAwait(false);
                ArmResponse poll = await SendAsync(RequestMethod.Get, CheckedPollUri(location), null, timeout.Token).ConfigureAwait(false);
                if (poll.Status != 202)
                {
                    if (!poll.IsSuccess)
                    {
                        throw Failure(poll, what);
                    }

                    return;
                }

                wait = poll.RetryAfter;
            }
        }
    }

    /// <summary>Waits the service's <c>Retry-After</c>, or the poll interval; a timeout says which operation took too long.</summary>
    internal async Task DelayAsync(TimeSpan? wait, string what, CancellationToken timeout, CancellationToken caller)
    {
        try
        {
            await _delay(wait ?? _options.PollInterval, timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new ContainerInstancesException($"{what}: not finished after {_options.OperationTimeout} (AgentFactory:Containers:Aci:OperationTimeout).");
        }
    }

    /// <summary>The exception for a failed answer: quota errors get their own type, every message names the operation and ARM's code.</summary>
    internal static ContainerInstancesException Failure(ArmResponse response, string what)
    {
        (string? code, string message) = response.Error();
        return Failure(response.Status, code, message, what);
    }

    internal static ContainerInstancesException Failure(int status, string? code, string message, string what)
    {
        string text = $"{what}: {(status == 0 ? "" : $"ARM answered {status} ")}{code ?? "(no code)"}: {message}";
        return code is not null && code.Contains("Quota", StringComparison.OrdinalIgnoreCase)
            ? new ContainerQuotaExceededException(status, code, text)
            : new ContainerInstancesException(status, code, text);
    }

    private async Task<ArmResponse> SendAsync(RequestMethod method, Uri uri, byte[]? body, CancellationToken cancellationToken)
    {
        for (int throttled = 0; ; throttled++)
        {
            using HttpMessage message = _pipeline.CreateMessage();
            message.Request.Method = method;
            message.Request.Uri.Reset(uri);
            message.Request.Headers.Add("Accept", "application/json");
            if (body is not null)
            {
                message.Request.Headers.Add("Content-Type", "application/json");
                message.Request.Content = RequestContent.Create(body);
            }

            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            global::Azure.Response response = message.Response;
            TimeSpan? retryAfter = ArmResponse.ParseRetryAfter(Header(response, "Retry-After"), _time.GetUtcNow());
            var answer = new ArmResponse(response.Status, response.Content, UriHeader(response, "Azure-AsyncOperation"), UriHeader(response, "Location"), retryAfter);
            if (response.Status == 429 && throttled < _options.MaxThrottledRetries)
            {
                // ARM throttles per subscription and per operation; Retry-After says when the budget is back.
                await _delay(retryAfter ?? _options.PollInterval, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return answer;
        }
    }

    /// <summary>Polling URLs come from the service; the token is only ever sent back to the endpoint's own host.</summary>
    private Uri CheckedPollUri(Uri uri) =>
        string.Equals(uri.Host, _options.Endpoint.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == _options.Endpoint.Port && uri.Scheme == _options.Endpoint.Scheme
            ? uri
            : throw new ContainerInstancesException($"The service named a polling URL on another host ({uri.Host}); it is not followed.");

    private static string? Header(global::Azure.Response response, string name) => response.Headers.TryGetValue(name, out string? value) ? value : null;

    private static Uri? UriHeader(global::Azure.Response response, string name) =>
        Header(response, name) is { Length: > 0 } text && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) ? uri : null;

    /// <summary>Azure.Core retries 5xx and network faults; a 429 comes back to <see cref="SendAsync(RequestMethod, Uri, byte[], CancellationToken)"/>, which honours its Retry-After.</summary>
    private sealed class ThrottlingLeftToCaller : ResponseClassifier
    {
        public override bool IsRetriableResponse(HttpMessage message) => message.Response.Status != 429 && base.IsRetriableResponse(message);
    }
}
