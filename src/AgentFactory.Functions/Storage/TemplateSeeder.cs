using AgentFactory.Core.Templates;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Functions.Storage;

/// <summary>
/// Seeds the shipped templates into the <c>AgentTemplates</c> table when the app starts, so that every
/// version a wizard may have pinned is in storage before the first request is served.
/// </summary>
internal sealed partial class TemplateSeeder(TemplateTable table, TemplateCatalog catalog, TimeProvider time, ILogger<TemplateSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        TemplateSeedResult result = await table.SeedAsync(catalog, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        LogSeeded(result.Added, result.Unchanged);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Templates seeded: {Added} added, {Unchanged} already stored.")]
    private partial void LogSeeded(int added, int unchanged);
}
