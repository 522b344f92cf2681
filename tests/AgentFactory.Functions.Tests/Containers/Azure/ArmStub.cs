using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>One request as the stub received it.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? Body)
{
    public JsonNode? Json => Body is { Length: > 0 } ? JsonNode.Parse(Body) : null;
}

/// <summary>
/// A local Azure Resource Manager for Microsoft.ContainerInstance (api-version 2023-05-01), on HTTPS because
/// Azure.Core sends bearer tokens over TLS only. It refuses what ARM refuses (another api-version, no bearer token,
/// a body without the required fields), plays provisioning through Azure-AsyncOperation with Retry-After, keeps
/// secureValue out of GET answers, and can be told to throttle, reject for quota, or fail a group.
/// </summary>
public sealed partial class ArmStub : IAsyncDisposable
{
    public const string Token = "test-token";
    public const string Subscription = "00000000-0000-0000-0000-000000000001";
    public const string ResourceGroup = "agents-rg";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Operation> _operations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _throttle;
    private int _operationIds;

    private ArmStub(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public Uri Endpoint { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>How many InProgress answers an operation gives before its final one.</summary>
    public int InProgressPolls { get; set; } = 1;

    /// <summary>Retry-After (seconds) on the answer that starts an operation and on each InProgress poll.</summary>
    public int RetryAfterSeconds { get; set; } = 7;

    public int PollRetryAfterSeconds { get; set; } = 3;

    /// <summary>The next PUT is refused with this error (status, code, message).</summary>
    public (int Status, string Code, string Message)? RejectNextPut { get; set; }

    /// <summary>The next provisioning ends Failed with this error code and event message.</summary>
    public (string Code, string Message)? FailNextProvisioning { get; set; }

    /// <summary>The usage lines answered for any region.</summary>
    public List<(string Name, long Current, long Limit)> Usage { get; } = [("ContainerGroups", 3, 100), ("StandardCores", 12, 100)];

    /// <summary>Azure-AsyncOperation URLs point here instead of at the stub (to prove they are not followed elsewhere).</summary>
    public string? OperationHost { get; set; }

    public static async Task<ArmStub> StartAsync()
    {
        X509Certificate2 certificate = SelfSigned();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(certificate)));
        WebApplication app = builder.Build();
        var stub = new ArmStub(app, certificate);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        string address = app.Urls.First();
        stub.Endpoint = new Uri(address);
        return stub;
    }

    /// <summary>The next <paramref name="count"/> requests get 429 with Retry-After.</summary>
    public void Throttle(int count) => Interlocked.Exchange(ref _throttle, count);

    public string GroupPath(string name) =>
        $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/{name}";

    public JsonObject? Group(string name) => _groups.TryGetValue(name, out JsonObject? group) ? group : null;

    /// <summary>Sets the container's log content (what ARM's logs call returns).</summary>
    public void SetLog(string name, string content) => Group(name)!["agentfactory-stub-log"] = content;

    /// <summary>Ends the running container with an exit code, as ACI reports a Terminated container.</summary>
    public void Exit(string name, int exitCode)
    {
        lock (_gate)
        {
            JsonObject group = Group(name)!;
            SetInstanceView(group, exitCode == 0 ? "Succeeded" : "Failed", "Terminated", exitCode);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        string? body = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync();
        }

        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.FirstOrDefault(), body);
        Requests.Enqueue(request);
        (int status, JsonNode? reply, Dictionary<string, string> headers) = Answer(request, context.Request.Query["api-version"].FirstOrDefault());
        context.Response.StatusCode = status;
        foreach ((string name, string value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (reply is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.ToJsonString());
        }
    }

    private (int, JsonNode?, Dictionary<string, string>) Answer(RecordedRequest request, string? apiVersion)
    {
        bool metrics = IsMetricsPath(request.Path);
        if (apiVersion != (metrics ? MetricsApiVersion : "2023-05-01"))
        {
            return Error(400, "InvalidApiVersionParameter", $"The api-version '{apiVersion}' is invalid.");
        }

        if (request.Authorization != "Bearer " + Token)
        {
            return Error(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.");
        }

        if (Interlocked.Decrement(ref _throttle) >= 0)
        {
            var throttled = Error(429, "TooManyRequests", "The request is being throttled.");
            throttled.Item3["Retry-After"] = "2";
            return throttled;
        }

        lock (_gate)
        {
            string path = request.Path;
            string groups = $"/subscriptions/{Subscription}/resourceGroups/{ResourceGroup}/providers/Microsoft.ContainerInstance/containerGroups/";
            if (metrics)
            {
                return Metrics(request);
            }

            if (path.StartsWith("/operations/", StringComparison.Ordinal))
            {
                return Poll(path["/operations/".Length..]);
            }

            if (path == $"/subscriptions/{Subscription}/providers/Microsoft.ContainerInstance/locations/westeurope/usages" && request.Method == "GET")
            {
                var values = new JsonArray();
                foreach ((string usage, long current, long limit) in Usage)
                {
                    values.Add(new JsonObject
                    {
                        ["id"] = $"/subscriptions/{Subscription}/providers/Microsoft.ContainerInstance/locations/westeurope/usages/{usage}",
                        ["unit"] = "Count",
                        ["currentValue"] = current,
                        ["limit"] = limit,
                        ["name"] = new JsonObject { ["value"] = usage, ["localizedValue"] = usage },
                    });
                }

                return (200, new JsonObject { ["value"] = values }, []);
            }

            if (!path.StartsWith(groups, StringComparison.Ordinal))
            {
                return Error(404, "InvalidResourceType", $"No route for {request.Method} {path}.");
            }

            string[] parts = path[groups.Length..].Split('/');
            string name = parts[0];
            JsonObject? group = Group(name);
            return (request.Method, parts.Length) switch
            {
                ("PUT", 1) => Put(name, request),
                ("GET", 1) => group is null ? Error(404, "ResourceNotFound", $"The Resource '{name}' was not found.") : (200, View(group), []),
                ("PATCH", 1) => group is null ? Error(404, "ResourceNotFound", name) : Patch(group, request),
                ("DELETE", 1) => group is null ? (204, null, []) : Delete(name),
                ("POST", 2) when parts[1] == "stop" => group is null ? Error(404, "ResourceNotFound", name) : Stop(group),
                ("POST", 2) when parts[1] == "start" => group is null ? Error(404, "ResourceNotFound", name) : Start(group),
                ("GET", 4) when parts[1] == "containers" && parts[3] == "logs" => group is null ? Error(404, "ResourceNotFound", name)
                    : (200, new JsonObject { ["content"] = group["agentfactory-stub-log"]?.GetValue<string>() ?? "" }, []),
                _ => Error(405, "MethodNotAllowed", $"{request.Method} {path}"),
            };
        }
    }

    private (int, JsonNode?, Dictionary<string, string>) Put(string name, RecordedRequest request)
    {
        if (RejectNextPut is { } rejection)
        {
            RejectNextPut = null;
            return Error(rejection.Status, rejection.Code, rejection.Message);
        }

        if (request.Json is not JsonObject body || body["location"] is null || body["properties"]?["osType"] is null
            || body["properties"]?["containers"] is not JsonArray { Count: > 0 } containers
            || containers.Any(c => c?["name"] is null || c["properties"]?["image"] is null
                || c["properties"]?["resources"]?["requests"]?["cpu"] is null || c["properties"]?["resources"]?["requests"]?["memoryInGB"] is null))
        {
            return Error(400, "InvalidRequestContent", "The request content was invalid: location, properties.osType and each container's name, image and resources.requests are required.");
        }

        if (VolumeProblem(body) is { } problem)
        {
            return Error(400, "InvalidRequestContent", problem);
        }

        if (_groups.ContainsKey(name))
        {
            return Error(409, "Conflict", "Updating a running group is not played by this stub.");
        }

        body["name"] = name;
        body["id"] = GroupPath(name);
        body["type"] = "Microsoft.ContainerInstance/containerGroups";
        body["properties"]!["provisioningState"] = "Creating";
        _groups[name] = body;
        (string Code, string Message)? failure = FailNextProvisioning;
        FailNextProvisioning = null;
        string id = NewOperation(group: name, failure is null
            ? () => { body["properties"]!["provisioningState"] = "Succeeded"; SetInstanceView(body, "Running", "Running", null); }
            : () =>
            {
                body["properties"]!["provisioningState"] = "Failed";
                body["properties"]!["instanceView"] = new JsonObject
                {
                    ["state"] = "Pending",
                    ["events"] = new JsonArray(new JsonObject { ["name"] = failure.Value.Code, ["message"] = failure.Value.Message, ["type"] = "Warning" }),
                };
            }, failure);
        return (201, View(body), OperationHeaders(id));
    }

    private (int, JsonNode?, Dictionary<string, string>) Patch(JsonObject group, RecordedRequest request)
    {
        if (request.Json is not JsonObject { } body || body["tags"] is not JsonObject tags || body.Count != 1)
        {
            return Error(400, "InvalidRequestContent", "PATCH takes tags only.");
        }

        group["tags"] = tags.DeepClone();
        return (200, View(group), []);
    }

    private (int, JsonNode?, Dictionary<string, string>) Stop(JsonObject group)
    {
        ContainersStopped?.Invoke(group["name"]!.GetValue<string>());
        SetInstanceView(group, "Stopped", "Terminated", 143);
        return (204, null, []);
    }

    private (int, JsonNode?, Dictionary<string, string>) Start(JsonObject group)
    {
        string name = group["name"]!.GetValue<string>();
        string id = NewOperation(name, () =>
        {
            SetInstanceView(group, "Running", "Running", null);
            ContainersStarted?.Invoke(name, (JsonObject)group.DeepClone());
        }, null);
        return (202, null, OperationHeaders(id));
    }

    private (int, JsonNode?, Dictionary<string, string>) Delete(string name)
    {
        ContainersStopped?.Invoke(name);
        string id = NewOperation(name, () => _groups.TryRemove(name, out _), null);
        return (202, null, OperationHeaders(id));
    }

    private (int, JsonNode?, Dictionary<string, string>) Poll(string id)
    {
        if (!_operations.TryGetValue(id, out Operation? operation))
        {
            return Error(404, "OperationNotFound", id);
        }

        if (operation.Remaining-- > 0)
        {
            return (200, new JsonObject { ["id"] = id, ["name"] = id, ["status"] = "InProgress" },
                new Dictionary<string, string> { ["Retry-After"] = PollRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        if (!operation.Done)
        {
            operation.Done = true;
            operation.Complete();
        }

        var answer = new JsonObject { ["id"] = id, ["name"] = id, ["status"] = operation.Failure is null ? "Succeeded" : "Failed" };
        if (operation.Failure is { } failure)
        {
            answer["error"] = new JsonObject { ["code"] = failure.Code, ["message"] = failure.Message };
        }

        return (200, answer, []);
    }

    private string NewOperation(string group, Action complete, (string Code, string Message)? failure)
    {
        string id = $"op-{Interlocked.Increment(ref _operationIds)}-{group}";
        _operations[id] = new Operation(complete, failure) { Remaining = InProgressPolls };
        return id;
    }

    private Dictionary<string, string> OperationHeaders(string id)
    {
        string host = OperationHost ?? $"{Endpoint.Scheme}://{Endpoint.Authority}";
        return new Dictionary<string, string>
        {
            ["Azure-AsyncOperation"] = $"{host}/operations/{id}?api-version=2023-05-01",
            ["Retry-After"] = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// What ACI refuses about volumes: a mount naming no volume of the group, a relative mount path, or a secret
    /// volume whose values are not base64.
    /// </summary>
    private static string? VolumeProblem(JsonObject body)
    {
        var volumes = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonNode? volume in body["properties"]?["volumes"]?.AsArray() ?? [])
        {
            if ((string?)volume?["name"] is not { Length: > 0 } volumeName || !volumes.Add(volumeName))
            {
                return "Each volume needs a unique name.";
            }

            foreach ((string key, JsonNode? value) in volume["secret"]?.AsObject() ?? [])
            {
                Span<byte> decoded = new byte[((string?)value)?.Length ?? 0];
                if ((string?)value is not { } text || !Convert.TryFromBase64String(text, decoded, out _))
                {
                    return $"The secret volume '{volumeName}' item '{key}' must be base64-encoded.";
                }
            }
        }

        foreach (JsonNode? container in body["properties"]!["containers"]!.AsArray())
        {
            foreach (JsonNode? mount in container?["properties"]?["volumeMounts"]?.AsArray() ?? [])
            {
                if ((string?)mount?["name"] is not { } mountName || !volumes.Contains(mountName) || (string?)mount["mountPath"] is not ['/', ..])
                {
                    return $"Volume mount '{(string?)mount?["name"]}' must name a volume of the group and have an absolute mountPath.";
                }
            }
        }

        return null;
    }

    /// <summary>The group as GET answers it: secureValue and secret volume contents are x-ms-secret, never returned.</summary>
    private static JsonObject View(JsonObject group)
    {
        var view = (JsonObject)group.DeepClone();
        view.Remove("agentfactory-stub-log");
        foreach (JsonObject volume in view["properties"]!["volumes"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            volume.Remove("secret");
        }

        foreach (JsonNode? container in view["properties"]!["containers"]!.AsArray())
        {
            if (container?["properties"]?["environmentVariables"] is JsonArray variables)
            {
                foreach (JsonObject variable in variables.OfType<JsonObject>())
                {
                    variable.Remove("secureValue");
                }
            }
        }

        return view;
    }

    private static void SetInstanceView(JsonObject group, string groupState, string containerState, int? exitCode)
    {
        group["properties"]!["instanceView"] = new JsonObject { ["state"] = groupState, ["events"] = new JsonArray() };
        var current = new JsonObject { ["state"] = containerState, ["startTime"] = "2026-11-24T01:00:00Z", ["detailStatus"] = "" };
        if (exitCode is { } code)
        {
            current["exitCode"] = code;
            current["finishTime"] = "2026-11-24T01:05:00Z";
        }

        foreach (JsonNode? container in group["properties"]!["containers"]!.AsArray())
        {
            container!["properties"]!["instanceView"] = new JsonObject { ["restartCount"] = 0, ["currentState"] = current.DeepClone(), ["events"] = new JsonArray() };
        }
    }

    private static (int, JsonNode?, Dictionary<string, string>) Error(int status, string code, string message) =>
        (status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, new Dictionary<string, string>());

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Kestrel needs the key in a form SslStream can use on every platform: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private sealed class Operation(Action complete, (string Code, string Message)? failure)
    {
        public int Remaining { get; set; }

        public bool Done { get; set; }

        public (string Code, string Message)? Failure { get; } = failure;

        public void Complete() => complete();
    }
}
