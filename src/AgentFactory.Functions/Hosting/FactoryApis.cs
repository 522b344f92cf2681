using AgentFactory.Functions.Apis;

namespace AgentFactory.Functions.Hosting;

/// <summary>
/// Every HTTP API of the app, mapped once by Program.cs. Each feature has its own <c>Apis/XxxApi.cs</c> with a
/// <c>MapXxxApi(this IEndpointRouteBuilder)</c> and adds its call here. Endpoints need the <see cref="FactoryPolicies.Factory"/>
/// policy unless they name another or <c>AllowAnonymous</c>.
/// </summary>
public static class FactoryApis
{
    public static IEndpointRouteBuilder MapFactoryApis(this IEndpointRouteBuilder app)
    {
        // "/" is the wizard page and the Functions host's readiness probe (it polls "/" until the custom handler answers).
        app.MapWebPages();
        app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy" })).AllowAnonymous().WithName("Health");
        app.MapWhoAmIApi();
        app.MapTemplatesApi();
        app.MapValidationApi();
        app.MapSandboxApi();
        app.MapAgentsApi();
        app.MapStatsApi();
        app.MapProgressApi();
        app.MapDurableTaskApi();
        return app;
    }
}
