using System.Text.Json;
using AgentFactory.Core.Configuration;
using AgentFactory.Core.Pricing;
using AgentFactory.Core.Pricing.Estimation;
using AgentFactory.Core.Validation;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// <c>POST /validate</c> — every problem of a configuration at once (live validation while typing), and
/// <c>POST /cost-estimate</c> — the monthly estimate with its breakdown for both ways of running.
/// </summary>
public static class ValidationApi
{
    public static IEndpointRouteBuilder MapValidationApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup(FactoryHttp.Prefix).RequireAuthorization("Factory").WithTags("Configuration");
        group.MapPost("/validate", ValidateAsync).WithName("ValidateConfiguration");
        group.MapPost("/cost-estimate", EstimateAsync).WithName("EstimateCost");
        return app;
    }

    /// <summary>200 with <c>{valid, problems}</c>: a configuration with problems is an answer, not a bad request.</summary>
    private static async Task<IResult> ValidateAsync(HttpRequest request, AgentConfigurationValidator validator, FactoryDomainOptions domain,
        CancellationToken cancellationToken)
    {
        (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var target = new ValidationTarget(FactoryHttp.TenantOf(request.HttpContext.User), domain.Region);
            ValidationResult result = await validator.ValidateAsync(target, body.RootElement, cancellationToken);
            return FactoryHttp.Json(new { valid = result.IsValid, problems = result.Problems });
        }
    }

    /// <summary>200 with the estimate; 400 (validation problems keyed by JSON pointer) when the configuration cannot be priced.</summary>
    private static async Task<IResult> EstimateAsync(HttpRequest request, ConfigurationRules rules, ConfigurationCostEstimator estimator,
        int? sandboxRuns, CancellationToken cancellationToken)
    {
        (JsonDocument? body, IResult? problem) = await FactoryHttp.ReadJsonAsync(request, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        if (sandboxRuns is < 0 or > 100)
        {
            return FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid query parameter", "'sandboxRuns' must be from 0 to 100.");
        }

        using (body)
        {
            ValidationResult result = rules.Validate(body.RootElement);
            if (!result.IsValid || result.Configuration is not { } configuration)
            {
                return TypedResults.ValidationProblem(
                    result.Problems.GroupBy(p => p.Pointer).ToDictionary(g => g.Key, g => g.Select(p => $"{p.Code}: {p.Message}").ToArray()),
                    detail: "The configuration has problems; fix them to get an estimate.", title: "Invalid configuration");
            }

            SandboxPlan sandbox = sandboxRuns is > 0 ? new SandboxPlan(sandboxRuns.Value, TimeSpan.FromMinutes(1)) : SandboxPlan.None;
            PricingResult<CostEstimate> estimate = estimator.Estimate(configuration, sandbox);
            return estimate.IsSuccess
                ? FactoryHttp.Json(new
                {
                    monthlyTotalUsd = estimate.Value.RoundedMonthlyTotal,
                    oneOffTotalUsd = Math.Round(estimate.Value.OneOffTotal, 4),
                    under2UsdPerMonth = estimate.Value.IsUnder(2m),
                    estimate = estimate.Value,
                })
                : FactoryHttp.Problem(StatusCodes.Status422UnprocessableEntity, "Cannot price this configuration",
                    string.Join(" ", estimate.Errors.Select(e => e.Message)));
        }
    }
}
