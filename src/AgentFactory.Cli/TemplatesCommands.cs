using System.Text.Json;

namespace AgentFactory.Cli;

/// <summary><c>templates list</c>: <c>GET /api/platform/factory/templates?category=&amp;complexity=</c>.</summary>
internal static class TemplatesCommands
{
    public static async Task<int> ListAsync(CliContext cli, Arguments args)
    {
        var query = new Query();
        query.Add("category", args.Option("category"));
        query.Add("complexity", args.Option("complexity"));
        args.EnsureAllUsed();

        ApiResponse response = await cli.Api.GetAsync("api/platform/factory/templates" + query, cli.CancellationToken);
        return cli.Write(response, templates =>
        {
            var table = new Table("ID", "VERSION", "NAME", "CATEGORY", "COMPLEXITY", "MINUTES");
            foreach (JsonElement t in templates.EnumerateArray())
            {
                table.Add(Text.Of(t, "id"), Text.Of(t, "version"), Text.Of(t, "name"), Text.Of(t, "category"), Text.Of(t, "complexity"),
                    Text.Of(t, "estimatedMinutes"));
            }

            table.Write(cli.Out);
        });
    }
}
