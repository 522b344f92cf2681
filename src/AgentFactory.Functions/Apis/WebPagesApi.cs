using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace AgentFactory.Functions.Apis;

/// <summary>
/// The web pages (wwwroot) as endpoints where the static-file middleware cannot serve them: at <c>/</c>, which is also
/// the Functions host's readiness probe (an endpoint there shadows the middleware), and below <see cref="FunctionsBasePath"/>,
/// because the Functions host forwards only routes under its prefix <c>api</c>. The pages link relatively, so the same
/// files work at both places; elsewhere (<c>/ops/</c>, <c>/js/…</c>) the middleware serves them.
/// </summary>
public static class WebPagesApi
{
    public const string FunctionsBasePath = "/api/web";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        // The probe needs any answer: 200 with the wizard page, or an empty 200 when the app runs without its pages.
        app.MapGet("/", (HttpContext context, IWebHostEnvironment environment) => Serve(context, environment, "") ?? Results.Ok())
            .AllowAnonymous().ExcludeFromDescription().WithName("Readiness");
        app.MapGet(FunctionsBasePath + "/{*path}", (HttpContext context, IWebHostEnvironment environment, string? path) =>
                Serve(context, environment, path ?? "") ?? FactoryHttp.Problem(StatusCodes.Status404NotFound, "Not found", "There is no such page."))
            .AllowAnonymous().ExcludeFromDescription().WithName("WebPages");
        return app;
    }

    /// <summary>The file at <paramref name="path"/> below the web root, a redirect that adds the slash a folder needs, or null.</summary>
    private static IResult? Serve(HttpContext context, IWebHostEnvironment environment, string path)
    {
        IFileProvider files = environment.WebRootFileProvider;
        if (path.Length > 0 && !path.EndsWith('/') && files.GetDirectoryContents(path).Exists
            || path.Length == 0 && !context.Request.Path.Value!.EndsWith('/'))
        {
            // Relative links (css/site.css) resolve against the folder only when the address ends with a slash.
            return Results.Redirect(context.Request.PathBase + context.Request.Path + "/");
        }

        IFileInfo file = files.GetFileInfo(path.Length == 0 || path.EndsWith('/') ? path + "index.html" : path);
        if (!file.Exists || file.IsDirectory)
        {
            return null;
        }

        string type = ContentTypes.TryGetContentType(file.Name, out string? known) ? known : "application/octet-stream";
        return Results.Stream(file.CreateReadStream(), type, lastModified: file.LastModified);
    }
}
