using AgentFactory.Core.Templates;

namespace AgentFactory.Functions.Apis;

/// <summary><c>GET /templates</c> (filters: category, complexity) and <c>GET /templates/{id}</c> (optionally a pinned version).</summary>
public static class TemplatesApi
{
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder group = app.MapGroup(FactoryHttp.Prefix + "/templates").RequireAuthorization("Factory").WithTags("Templates");
        group.MapGet("/", List).WithName("ListTemplates");
        group.MapGet("/{id}", Get).WithName("GetTemplate");
        return app;
    }

    private static IResult List(TemplateCatalog catalog, string? category = null, string? complexity = null)
    {
        if (!TryParseName(category, out TemplateCategory? c))
        {
            return InvalidChoice<TemplateCategory>("category");
        }

        if (!TryParseName(complexity, out TemplateComplexity? x))
        {
            return InvalidChoice<TemplateComplexity>("complexity");
        }

        return FactoryHttp.Json(catalog.List(new TemplateFilter { Category = c, Complexity = x }));
    }

    private static IResult Get(TemplateCatalog catalog, string id, int? version = null) =>
        catalog.Get(id, version) is { } template
            ? FactoryHttp.Json(template)
            : FactoryHttp.Problem(StatusCodes.Status404NotFound, "Template not found",
                version is null ? $"There is no template '{id}'." : $"Template '{id}' has no version {version}.");

    private static IResult InvalidChoice<T>(string parameter) where T : struct, Enum =>
        FactoryHttp.Problem(StatusCodes.Status400BadRequest, "Invalid query parameter",
            $"'{parameter}' must be one of: {string.Join(", ", Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.");

    // Names only: Enum.TryParse would also take "7", which names nothing.
    private static bool TryParseName<T>(string? value, out T? parsed) where T : struct, Enum
    {
        parsed = null;
        if (value is null)
        {
            return true;
        }

        if (int.TryParse(value, out _) || !Enum.TryParse(value, ignoreCase: true, out T name) || !Enum.IsDefined(name))
        {
            return false;
        }

        parsed = name;
        return true;
    }
}
