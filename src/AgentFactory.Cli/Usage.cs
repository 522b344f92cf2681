namespace AgentFactory.Cli;

/// <summary>The help text (docs/CLI.md explains each command at length).</summary>
internal static class Usage
{
    public const string Text = """
        agentfactory — Agent Factory from the command line (its public HTTP API only)

        Usage: agentfactory <command> [options]

          templates list [--category C] [--complexity low|medium|high]
          agents create --config FILE [--template ID] [--template-version N] [--idempotency-key K]
                        [--wait [--timeout SECONDS]]
          agents status <deploymentId>
          instances list [--status S[,S…]] [--created-from T] [--created-to T] [--prefix P] [--top N]
                         [--all | --continuation TOKEN]
          instances show <instanceId> [--history]
          instances history <instanceId>
          instances raise <instanceId> <eventName> [--data JSON | --data @FILE]
          instances suspend|resume|terminate <instanceId> [--reason TEXT]
          instances restart <instanceId> [--same-id]
          instances purge <instanceId>
          instances purge --created-from T [--created-to T] [--status S[,S…]]

        Every command:
          --url URL      the app's base URL (else AGENTFACTORY_URL, else http://localhost:7071)
          --key KEY      a function key, sent as x-functions-key (else AGENTFACTORY_KEY; prefer the variable:
                         arguments show in process lists)
          --json         print the API's JSON instead of a table (see docs/CLI.md for each command's shape)
          --help         this text

        Exit codes: 0 success, 1 usage error, 2 not found (404), 3 not allowed (401/403), 4 the deployment
        failed (--wait), 5 server or network error or --wait timed out, 6 request refused (400/409/410/412/422:
        invalid configuration, instance already finished, …).
        """;
}
