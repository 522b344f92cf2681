using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Tests.Containers.Azure;

/// <summary>
/// Plays Container Instances' part of running a group for an <see cref="ArmStub"/>: when a group starts, each of its
/// containers runs as a process of this machine, with the environment (secure values included) and the secret volumes
/// of the PUT body, the image's program folder and the group's work directory mapped to folders here, and all of them
/// on one network (this machine's, as a group's containers share theirs). Each exit is reported to the stub with the
/// container's output as its log; a stop or delete of the group kills what still runs.
/// </summary>
internal sealed class AciGroupRunner : IAsyncDisposable
{
    private readonly ArmStub _stub;
    private readonly string _imageProgram;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentfactory-aci-run-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ConcurrentDictionary<string, List<Process>> _running = new(StringComparer.Ordinal);

    /// <summary>Runs the groups of <paramref name="stub"/>; the image's <c>/agent</c> is <paramref name="imageProgram"/>.</summary>
    public AciGroupRunner(ArmStub stub, string imageProgram)
    {
        _stub = stub;
        _imageProgram = imageProgram;
        stub.ContainersStarted = Start;
        stub.ContainersStopped = Kill;
    }

    /// <summary>Each container's command line as it was run (after mapping), by group and container.</summary>
    public ConcurrentQueue<(string Group, string Container, string CommandLine)> Runs { get; } = new();

    private void Start(string name, JsonObject group)
    {
        string work = Path.Combine(_root, name, "work");
        Directory.CreateDirectory(work);
        var volumes = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (JsonObject volume in group["properties"]!["volumes"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            volumes[volume["name"]!.GetValue<string>()] = volume;
        }

        var processes = new List<Process>();
        foreach (JsonObject container in group["properties"]!["containers"]!.AsArray().OfType<JsonObject>())
        {
            JsonNode properties = container["properties"]!;
            foreach (JsonObject mount in properties["volumeMounts"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                // A secret volume: file name -> base64, mounted over its directory.
                string directory = Map(mount["mountPath"]!.GetValue<string>(), work);
                Directory.CreateDirectory(directory);
                foreach ((string file, JsonNode? content) in volumes[mount["name"]!.GetValue<string>()]["secret"]!.AsObject())
                {
                    File.WriteAllBytes(Path.Combine(directory, file), Convert.FromBase64String(content!.GetValue<string>()));
                }
            }

            string[] command = [.. properties["command"]!.AsArray().Select(c => Map(c!.GetValue<string>(), work))];
            var start = new ProcessStartInfo(command[0] == "/usr/bin/dotnet" ? "dotnet" : command[0])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = work,
            };
            foreach (string argument in command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            foreach (JsonObject variable in properties["environmentVariables"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                start.Environment[variable["name"]!.GetValue<string>()] = Map((variable["value"] ?? variable["secureValue"])!.GetValue<string>(), work);
            }

            string containerName = container["name"]!.GetValue<string>();
            Runs.Enqueue((name, containerName, string.Join(' ', command)));
            Process process = Process.Start(start)!;
            processes.Add(process);
            _ = CollectAsync(name, containerName, process);
        }

        _running[name] = processes;
    }

    private async Task CollectAsync(string group, string container, Process process)
    {
        var log = new StringBuilder();
        async Task ReadAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (log)
                {
                    log.Append(line).Append('\n');
                }
            }
        }

        await Task.WhenAll(ReadAsync(process.StandardOutput), ReadAsync(process.StandardError), process.WaitForExitAsync());
        _stub.ExitContainer(group, container, process.ExitCode, log.ToString());
    }

    private void Kill(string name)
    {
        if (_running.TryRemove(name, out List<Process>? processes))
        {
            foreach (Process process in processes.Where(p => !p.HasExited))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A path of the group as a path here: the image's program folder and the work directory.</summary>
    private string Map(string value, string work) =>
        value.StartsWith("/agent/", StringComparison.Ordinal) ? Path.Combine(_imageProgram, value["/agent/".Length..])
        : value == ContainerSpec.WorkPath ? work
        : value.StartsWith(ContainerSpec.WorkPath + "/", StringComparison.Ordinal) ? Path.Combine(work, value[(ContainerSpec.WorkPath.Length + 1)..])
        : value;

    public async ValueTask DisposeAsync()
    {
        foreach (string name in _running.Keys)
        {
            Kill(name);
        }

        await Task.Yield();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
