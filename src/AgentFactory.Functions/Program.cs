// The app's entry point; the HTTP API and the orchestration are wired in by the orchestration/API issue.
var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy" }));
await app.RunAsync();
