using AgentFactory.Durable;
using Microsoft.AspNetCore.DataProtection;

namespace AgentFactory.Functions.Apis;

public static partial class DurableTaskApi
{
    /// <summary>Request and response header of the list's continuation token (Durable Functions' name).</summary>
    public const string ContinuationTokenHeader = "x-ms-continuation-token";

    /// <summary>Instances per page when <c>top</c> is not given (Durable Functions' default).</summary>
    private const int DefaultTop = 100;

    // GET /instances?runtimeStatus=a,b&createdTimeFrom&createdTimeTo&instanceIdPrefix&showInput&top, header x-ms-continuation-token.
    private static async Task<IResult> ListAsync(HttpContext context, DurableTaskApiCaller caller, DurableTaskClient client,
        IDataProtectionProvider protection, CancellationToken cancellationToken)
    {
        var query = new DurableTaskApiQuery(context.Request.Query);
        OrchestrationQuery? filter = ReadFilter(query);
        bool showInput = query.Bool("showInput", true);
        int top = query.Int("top", DefaultTop, 1, OrchestrationQuery.MaxPageSize);
        if (query.HasErrors || filter is null)
        {
            return query.Problem();
        }

        // Durable Functions always sends the header; empty when there is no further page.
        string? token = context.Request.Headers[ContinuationTokenHeader].ToString();
        IReadOnlyList<OrchestrationMetadata> instances = [];
        string? next = null;
        if (filter.Statuses is not { Count: 0 })
        {
            try
            {
                (instances, next) = await new DurableTaskApiPaging(client, protection.CreateProtector(DurableTaskApiPaging.Purpose))
                    .ReadAsync(filter, top, token, caller, cancellationToken);
            }
            catch (ArgumentException ex)
            {
                return DurableTaskApiProblems.InvalidParameter(ContinuationTokenHeader, ex.Message);
            }
        }

        context.Response.Headers[ContinuationTokenHeader] = next ?? "";
        return TypedResults.Json(instances.Select(i => DurableInstanceStatus.From(i, showInput)), DurableTaskApiJson.Options);
    }

    /// <summary>The filters list and purge share; null when one is invalid (the errors are in <paramref name="query"/>).</summary>
    private static OrchestrationQuery? ReadFilter(DurableTaskApiQuery query, DateTime? defaultCreatedTo = null)
    {
        IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses = query.Statuses("runtimeStatus");
        DateTime? from = query.Date("createdTimeFrom");
        DateTime? to = query.Date("createdTimeTo");
        if (from is { } f && to is { } t && f > t)
        {
            query.Fail("createdTimeTo", "'createdTimeTo' must not be earlier than 'createdTimeFrom'.");
        }

        if (to is null && defaultCreatedTo is { } fallback)
        {
            // A default bound never contradicts the caller's: from a later time it matches nothing rather than failing.
            to = from > fallback ? from : fallback;
        }

        return query.HasErrors ? null : new OrchestrationQuery
        {
            Statuses = statuses,
            CreatedFrom = from,
            // Durable Functions' createdTimeTo is inclusive; the engine's bound is exclusive.
            CreatedTo = to?.AddTicks(1),
            InstanceIdPrefix = query.String("instanceIdPrefix"),
        };
    }
}
