using System.Security.Cryptography;
using System.Text.Json;
using AgentFactory.Durable;
using Microsoft.AspNetCore.DataProtection;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Pages of the instances a caller may see. The backends page over every tenant's instances, so the tenant filter runs
/// after the query; to keep paging exact (no instance skipped or repeated) a page that fills up part-way through a
/// backend page resumes, on the next request, at the start of that backend page and skips what was already passed.
/// </summary>
/// <remarks>
/// The continuation token is a Data Protection payload bound to the caller's tenant: the backend's own token names the
/// last instance it passed, which may be another tenant's, and must not reach the caller. A request reads at most
/// <see cref="MaxBackendPages"/> backend pages, so a tenant with few instances among many may get fewer than
/// <c>top</c> instances (even none) together with a token; Durable Functions' clients are told to expect that.
/// </remarks>
internal sealed class DurableTaskApiPaging(DurableTaskClient client, IDataProtector protector,
    int maxBackendPages = DurableTaskApiPaging.MaxBackendPages, int minFilteredPageSize = DurableTaskApiPaging.MinFilteredPageSize)
{
    public const string Purpose = "AgentFactory.DurableTaskApi.ContinuationToken.v1";

    /// <summary>Backend pages read for one request before answering with what was found.</summary>
    public const int MaxBackendPages = 10;

    /// <summary>Smallest backend page when the caller sees one tenant only (fewer round trips when its instances are sparse).</summary>
    public const int MinFilteredPageSize = 100;

    /// <summary>One page for <paramref name="caller"/>: at most <paramref name="top"/> instances with payloads, and the next token.</summary>
    /// <exception cref="ArgumentException">The token was not issued to this caller by this service.</exception>
    public async Task<(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken)> ReadAsync(
        OrchestrationQuery filter, int top, string? token, DurableTaskApiCaller caller, CancellationToken cancellationToken)
    {
        Cursor cursor = Unprotect(token, caller);
        int pageSize = caller.SeesAllTenants ? top : Math.Min(OrchestrationQuery.MaxPageSize, Math.Max(top, minFilteredPageSize));
        var found = new List<OrchestrationMetadata>();
        for (int pages = 0; ; pages++)
        {
            if (pages == maxBackendPages)
            {
                return (await WithPayloadsAsync(found, filter, caller, cancellationToken), Protect(cursor));
            }

            OrchestrationQueryResult page = await client.QueryInstancesAsync(
                filter with { ContinuationToken = cursor.BackendToken, PageSize = pageSize, FetchInputsAndOutputs = false }, cancellationToken);
            for (int i = 0; i < page.Instances.Count; i++)
            {
                OrchestrationMetadata instance = page.Instances[i];
                if (cursor.IsPassed(instance) || !caller.CanSee(instance))
                {
                    continue;
                }

                found.Add(instance);
                if (found.Count == top)
                {
                    bool more = i < page.Instances.Count - 1 || page.ContinuationToken is not null;
                    Cursor next = i < page.Instances.Count - 1 ? cursor.After(instance) : new Cursor(caller.Tenant, page.ContinuationToken);
                    return (await WithPayloadsAsync(found, filter, caller, cancellationToken), more ? Protect(next) : null);
                }
            }

            if (page.ContinuationToken is null)
            {
                return (await WithPayloadsAsync(found, filter, caller, cancellationToken), null);
            }

            cursor = new Cursor(caller.Tenant, page.ContinuationToken);
        }
    }

    // The scan reads the index only; payloads are read for the instances returned. One that was purged or changed
    // status since is left out rather than shown against the filter.
    private async Task<IReadOnlyList<OrchestrationMetadata>> WithPayloadsAsync(List<OrchestrationMetadata> found, OrchestrationQuery filter,
        DurableTaskApiCaller caller, CancellationToken cancellationToken)
    {
        var result = new List<OrchestrationMetadata>(found.Count);
        foreach (OrchestrationMetadata instance in found)
        {
            OrchestrationMetadata? current = await client.GetInstanceAsync(instance.InstanceId, getInputsAndOutputs: true, cancellationToken);
            if (current is not null && filter.Matches(current) && caller.CanSee(current))
            {
                result.Add(current);
            }
        }

        return result;
    }

    private string Protect(Cursor cursor) => protector.Protect(JsonSerializer.Serialize(cursor, DurableTaskApiJson.Options));

    private Cursor Unprotect(string? token, DurableTaskApiCaller caller)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new Cursor(caller.Tenant, null);
        }

        Cursor? cursor;
        try
        {
            cursor = JsonSerializer.Deserialize<Cursor>(protector.Unprotect(token), DurableTaskApiJson.Options);
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            throw new ArgumentException("The continuation token was not issued by this service, or has expired.", nameof(token), ex);
        }

        return cursor is not null && cursor.Tenant == caller.Tenant
            ? cursor
            : throw new ArgumentException("The continuation token was issued to another caller.", nameof(token));
    }

    /// <summary>
    /// Where the next page starts: the backend page at <see cref="BackendToken"/>, minus the instances up to and including
    /// (<see cref="AfterTicks"/>, <see cref="AfterId"/>) — the order both backends page in (creation time, then id).
    /// </summary>
    internal sealed record Cursor(string Tenant, string? BackendToken, long? AfterTicks = null, string? AfterId = null)
    {
        public Cursor After(OrchestrationMetadata instance) => this with { AfterTicks = instance.CreatedAt.Ticks, AfterId = instance.InstanceId };

        public bool IsPassed(OrchestrationMetadata instance) =>
            AfterTicks is { } ticks
            && (instance.CreatedAt.Ticks < ticks
                || (instance.CreatedAt.Ticks == ticks && string.CompareOrdinal(instance.InstanceId, AfterId) <= 0));
    }
}
