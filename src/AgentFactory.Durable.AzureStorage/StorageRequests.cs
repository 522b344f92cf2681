using System.Diagnostics.Metrics;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AgentFactory.Durable.AzureStorage;

/// <summary>
/// The one place every storage request of a task hub passes (tables, queues, blobs): counts requests
/// by service (also as the metric "durable.storage.requests") and lets tests inject faults.
/// </summary>
public sealed class StorageRequests
{
    private static readonly Meter Meter = new(DurableTaskDiagnostics.Name + ".AzureStorage");
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("durable.storage.requests", description: "Storage requests sent.");
    private long _tables;
    private long _queues;
    private long _blobs;

    /// <summary>Called before each request is sent; returning an exception fails the request with it (fault injection).</summary>
    public Func<HttpMessage, Exception?>? BeforeSend { get; set; }

    /// <summary>
    /// Called before each request is sent; returning a status code answers the request with that status
    /// instead of sending it (503 and 500 are retried by the pipeline; 409 and 412 reach the caller as races).
    /// </summary>
    public Func<HttpMessage, int?>? InjectStatus { get; set; }

    /// <summary>Called after each response; returning an exception replaces the outcome (a timeout after the server acted).</summary>
    public Func<HttpMessage, Exception?>? AfterResponse { get; set; }

    /// <summary>Requests sent so far, retries included.</summary>
    public long Total => Tables + Queues + Blobs;

    public long Tables => Interlocked.Read(ref _tables);

    public long Queues => Interlocked.Read(ref _queues);

    public long Blobs => Interlocked.Read(ref _blobs);

    internal HttpPipelinePolicy PolicyFor(string service) => new Policy(this, service);

    private void Count(string service)
    {
        switch (service)
        {
            case "table":
                Interlocked.Increment(ref _tables);
                break;
            case "queue":
                Interlocked.Increment(ref _queues);
                break;
            default:
                Interlocked.Increment(ref _blobs);
                break;
        }

        Requests.Add(1, new KeyValuePair<string, object?>("service", service));
    }

    private sealed class Policy(StorageRequests owner, string service) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Before(message);
            if (!Injected(message))
            {
                ProcessNext(message, pipeline);
            }

            After(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Before(message);
            if (!Injected(message))
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }

            After(message);
        }

        private bool Injected(HttpMessage message)
        {
            if (owner.InjectStatus?.Invoke(message) is not int status)
            {
                return false;
            }

            var response = new InjectedResponse(status, message.Request.ClientRequestId);
            message.Response = response;
            // The transport sets IsError on real responses; without it the retry policy never retries an injected 503.
            response.Error = message.ResponseClassifier.IsErrorResponse(message);
            return true;
        }

        private void Before(HttpMessage message)
        {
            owner.Count(service);
            if (owner.BeforeSend?.Invoke(message) is { } fault)
            {
                throw fault;
            }
        }

        private void After(HttpMessage message)
        {
            if (owner.AfterResponse?.Invoke(message) is { } fault)
            {
                throw fault;
            }
        }
    }

    /// <summary>A response the service never sent (fault injection).</summary>
    private sealed class InjectedResponse(int status, string clientRequestId) : Response
    {
        public override int Status => status;

        public bool Error { get; set; }

        public override bool IsError => Error;

        public override string ReasonPhrase => "Injected fault";

        public override Stream? ContentStream { get; set; } = new MemoryStream(
            System.Text.Encoding.UTF8.GetBytes($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>InjectedFault</Code><Message>Injected {status}</Message></Error>"));

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => false;

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

        protected override bool TryGetHeader(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
        {
            value = null;
            return false;
        }

        protected override bool TryGetHeaderValues(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = null;
            return false;
        }
    }
}
