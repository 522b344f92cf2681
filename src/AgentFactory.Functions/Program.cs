using AgentFactory.Functions.Storage;

// The app's entry point; the HTTP API and the orchestration are wired in by the orchestration/API issue.
var builder = WebApplication.CreateBuilder(args);
string storage = builder.Configuration["AGENTFACTORY_STORAGE"] ?? builder.Configuration["AzureWebJobsStorage"] ?? "UseDevelopmentStorage=true";
builder.Services.AddFactoryStorage(storage, builder.Configuration["AgentFactory:TablePrefix"] ?? "");
var app = builder.Build();
app.MapGet("/api/health", () => TypedResults.Ok(new { status = "healthy" }));
await app.RunAsync();
