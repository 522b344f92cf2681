using System.Diagnostics;
using AgentFactory.Functions.Containers.Local.Cgroups;

namespace AgentFactory.Functions.Containers.Local;

public sealed partial class BubblewrapContainerRuntime
{
    /// <summary>A container this runtime knows: its directory, cgroup, record and (while running) its run.</summary>
    private sealed class Container(string name, string directory, ContainerCgroup cgroup, ContainerRecord record)
    {
        private readonly Lock _sync = new();
        private ContainerRecord _record = record;
        private volatile Run? _current;

        public string Name => name;

        public string Directory => directory;

        public string RecordPath => RecordPathOf(directory);

        public string LogPath => Path.Combine(directory, "log.jsonl");

        public ContainerCgroup Cgroup => cgroup;

        /// <summary>The full spec, secrets included; only in memory. Null for one loaded from disk that had secrets.</summary>
        public ContainerSpec? Spec { get; set; }

        public Run? Current
        {
            get => _current;
            set => _current = value;
        }

        public ContainerRecord Record
        {
            get
            {
                lock (_sync)
                {
                    return _record;
                }
            }
        }

        public static string RecordPathOf(string directory) => Path.Combine(directory, "container.json");

        /// <summary>Changes the record and writes it, one change at a time.</summary>
        public ContainerRecord Update(Func<ContainerRecord, ContainerRecord> change)
        {
            lock (_sync)
            {
                _record = change(_record);
                _record.Save(RecordPath);
                return _record;
            }
        }
    }

    /// <summary>One run of a container's command.</summary>
    private sealed class Run(Process process, ContainerLogFile log, long oomKillsBefore)
    {
        private volatile bool _stopRequested;

        public Process Process => process;

        public ContainerLogFile Log => log;

        /// <summary>The cgroup's OOM kill count before this run: only kills during the run make it OomKilled.</summary>
        public long OomKillsBefore => oomKillsBefore;

        public bool StopRequested
        {
            get => _stopRequested;
            set => _stopRequested = value;
        }

        public TaskCompletionSource<ContainerStatus> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The task that waits for the exit and records it (kept so its failures are observed).</summary>
        public Task? Monitor { get; set; }
    }
}
