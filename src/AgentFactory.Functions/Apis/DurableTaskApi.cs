using AgentFactory.Durable;
using Microsoft.AspNetCore.DataProtection;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// Durable Functions' HTTP management API (<c>/runtime/webhooks/durabletask</c>) over our engine: the same routes,
/// query parameters, status codes and JSON, so that a client written for Durable Functions works unchanged.
/// Every route requires the <c>Automation</c> policy and sees only the caller's tenant's instances (the platform's ops see all).
/// </summary>
public static partial class DurableTaskApi
{
    /// <summary>Registers what the API needs besides the engine and authentication: Data Protection, for continuation tokens.</summary>
    public static IServiceCollection AddDurableTaskApi(this IServiceCollection services)
    {
        services.AddDataProtection();
        return services;
    }

    /// <summary>Maps the management routes. Needs <c>AddDurableTask</c>, a backend, authorization and <see cref="AddDurableTaskApi"/>.</summary>
    public static IEndpointRouteBuilder MapDurableTaskApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetService<IDataProtectionProvider>() is null)
        {
            throw new InvalidOperationException("The Durable Task API needs Data Protection for its continuation tokens; call services.AddDurableTaskApi().");
        }

        MapRoutes(app.MapGroup(DurableHttpResponses.BasePath), "DurableTask.");
        // The same routes where the Functions host lets them through (it keeps /runtime/ for itself): docs/DEPLOYMENT.md.
        MapRoutes(app.MapGroup(DurableHttpResponses.FunctionsBasePath).ExcludeFromDescription(), "DurableTask.Functions.");
        return app;
    }

    private static void MapRoutes(RouteGroupBuilder api, string names)
    {
        api.RequireAuthorization(DurableTaskApiSecurity.AutomationPolicy)
            .AddEndpointFilter(RequireTenantAsync)
            .WithTags("Durable Task management");

        api.MapPost("/orchestrators/{functionName}/{instanceId?}", StartAsync).WithName(names + "Start");
        api.MapGet("/instances", ListAsync).WithName(names + "List");
        api.MapDelete("/instances", PurgeByFilterAsync).WithName(names + "PurgeByFilter");
        api.MapGet("/instances/{instanceId}", GetAsync).WithName(names + "Get");
        api.MapDelete("/instances/{instanceId}", PurgeAsync).WithName(names + "Purge");
        api.MapPost("/instances/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync).WithName(names + "RaiseEvent");
        api.MapPost("/instances/{instanceId}/terminate", TerminateAsync).WithName(names + "Terminate");
        api.MapPost("/instances/{instanceId}/suspend", SuspendAsync).WithName(names + "Suspend");
        api.MapPost("/instances/{instanceId}/resume", ResumeAsync).WithName(names + "Resume");
        api.MapPost("/instances/{instanceId}/restart", RestartAsync).WithName(names + "Restart");
        api.MapPost("/instances/{instanceId}/rewind", DurableTaskApiProblems.RewindNotSupported).WithName(names + "Rewind");
    }

    // Tenant isolation needs a tenant: an authorized identity without the claim can do nothing here.
    private static ValueTask<object?> RequireTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        DurableTaskApiCaller.Of(context.HttpContext.User).Tenant.Length == 0
            ? ValueTask.FromResult<object?>(DurableTaskApiProblems.NoTenant())
            : next(context);

    /// <summary>The instance, when it exists and the caller may see it; otherwise null (answered as 404).</summary>
    private static async Task<OrchestrationMetadata?> FindAsync(DurableTaskClient client, string instanceId, DurableTaskApiCaller caller,
        bool payloads, CancellationToken cancellationToken)
    {
        if (!IsValidInstanceId(instanceId))
        {
            return null;
        }

        OrchestrationMetadata? instance = await client.GetInstanceAsync(instanceId, payloads, cancellationToken);
        return instance is not null && caller.CanSee(instance) ? instance : null;
    }

    /// <summary>
    /// The engine's rule for instance ids (it refuses others at start). Checked before a lookup, because a storage
    /// backend answers a key with such characters with an error, and no instance can have such an id anyway.
    /// </summary>
    private static bool IsValidInstanceId(string instanceId) =>
        instanceId.Length is > 0 and <= 256 && !instanceId.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
