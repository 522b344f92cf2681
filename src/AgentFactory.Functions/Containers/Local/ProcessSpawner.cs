using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgentFactory.Functions.Containers.Local;

/// <summary>
/// Starts sandbox processes from one thread that lives as long as this process. bubblewrap's --die-with-parent
/// uses PR_SET_PDEATHSIG, which fires when the parent <em>thread</em> ends, not the parent process: started from
/// a thread-pool thread, a container would be killed whenever the pool retired that thread.
/// </summary>
internal static class ProcessSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];

    private static readonly Lazy<Thread> Spawner = new(() =>
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "container-spawner" };
        thread.Start();
        return thread;
    });

    public static Task<Process> StartAsync(ProcessStartInfo start)
    {
        _ = Spawner.Value;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach ((ProcessStartInfo start, TaskCompletionSource<Process> started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start."));
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }
}
