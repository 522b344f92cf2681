namespace AgentFactory.Cli;

// Not top-level statements: those would declare a global Program, which the tests (that also host the app's Program)
// could not tell apart.
internal static class EntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        // Ctrl-C ends a --wait cleanly (exit code 5) instead of killing the process mid-write.
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        return await CliApp.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, cancellationToken: cancel.Token);
    }
}
