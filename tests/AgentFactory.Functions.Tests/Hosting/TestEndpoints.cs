using AgentFactory.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentFactory.Functions.Tests.Hosting;

/// <summary>A JSON body to post.</summary>
public sealed record EchoRequest(string Name, int Count);

/// <summary>
/// Endpoints that exist only in the test host, behind the app's own middleware: one per policy and one that binds a
/// JSON body. Mapped after the app's pipeline, so that a request reaches them only when no app endpoint matched.
/// </summary>
internal sealed class TestEndpoints : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.UseRouting();
        app.UseAuthorization();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapGet("/api/test/ops", () => "ops").RequireAuthorization(FactoryPolicies.Ops);
            endpoints.MapGet("/api/test/automation", () => "automation").RequireAuthorization(FactoryPolicies.Automation);
            endpoints.MapGet("/api/test/any", () => "any");
            endpoints.MapPost("/api/test/echo", (EchoRequest request) => TypedResults.Ok(request));
            endpoints.MapPost("/api/test/read-json", async (HttpRequest request) =>
                TypedResults.Ok(await request.ReadFromJsonAsync<EchoRequest>()));
        });
    };
}
