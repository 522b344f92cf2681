using System.Runtime.InteropServices;
using AgentFactory.AgentRuntime;
using AgentFactory.AgentRuntime.Hosting;

// SIGTERM (container stop) and SIGINT end the run gracefully: the mode sees the token, finishes or hands back its
// work, and the process exits with the mode's code instead of being torn down mid-task.
using var stop = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var stdin = new StreamReader(Console.OpenStandardInput());
return await RuntimeProgram.RunAsync(args, AgentEnvironment.FromProcess(), stdin, Console.Out, Console.Error, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
