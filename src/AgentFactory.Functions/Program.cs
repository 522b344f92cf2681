using System.Text.Json.Serialization;
using AgentFactory.Functions.Apis;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Hosting;
using AgentFactory.Functions.Progress;
using AgentFactory.Functions.Sandbox;
using AgentFactory.Functions.Storage;

// The app: the factory's HTTP API behind function keys or Entra ID tokens, its state in Table storage and the durable
// engine over Azure Storage. Runs alone (scripts/run.sh) or as an Azure Functions custom handler.
var builder = WebApplication.CreateBuilder(args);
// A connection string locally, the Functions convention AzureWebJobsStorage__accountName (managed identity) in Azure.
FactoryStorageAccount storage = FactoryStorageAccount.FromConfiguration(builder.Configuration);
string tablePrefix = builder.Configuration["AgentFactory:TablePrefix"] ?? "";

builder.WebHost.UseFactoryUrls(builder.Configuration)
    .ConfigureKestrel(o => o.Limits.MaxRequestBodySize = FactoryHost.MaxRequestBodyBytes);
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = FactoryProblemDetails.Customize);
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
// Binding failures throw, so that BadRequestExceptionHandler can say what was wrong instead of an empty 400.
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
builder.Services.AddOpenApi();
builder.Services.AddFactoryStorage(storage, tablePrefix);
builder.Services.AddFactorySecurity(storage, tablePrefix);
builder.Services.AddFactoryDomain(o => builder.Configuration.GetSection("AgentFactory:Domain").Bind(o));
builder.Services.AddFactoryContainers(builder.Configuration);
builder.Services.AddFactorySandbox(storage);
builder.Services.AddDurableTaskApi();
builder.Services.AddAgentFactoryOrchestrations(builder.Configuration, storage);
builder.Services.AddFactoryProgress(builder.Configuration);

var app = builder.Build();
app.UseFunctionsHostForwardedHeaders(app.Configuration);
app.UseExceptionHandler();
app.UseStatusCodePages();
// The web pages (wwwroot: the wizard at /, the operations console at /ops/) hold no data, so they are served before
// authentication, anonymously; everything they show comes from the API, behind the key the person enters.
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
// The live-progress routes (the local Web PubSub hub, /ws/factory/deployment/{id}).
app.UseWebSockets();
app.MapOpenApi("/api/openapi/{documentName}.json").WithName("OpenApiDocument");
app.MapFactoryApis();
await app.RunAsync();

/// <summary>The entry point, public for the functional tests (WebApplicationFactory).</summary>
public partial class Program;
