using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Runtime.Versioning;
using AgentFactory.Functions.Containers;
using AgentFactory.Functions.Containers.Local;

namespace AgentFactory.Functions.Tests.Containers;

/// <summary>Secret environment values and file contents reach the process and appear nowhere else.</summary>
[Collection(SandboxCollection.Name)]
[SupportedOSPlatform("linux")]
public sealed class BubblewrapSecretTests(SandboxFixture fixture)
{
    private readonly BubblewrapContainerRuntime _runtime = fixture.Runtime;

    [Fact(Timeout = 60_000)]
    public async Task Environment_SecretAndPlain_ProcessGetsBothSecretShownNowhere()
    {
        string secret = "s3cret-" + Guid.NewGuid().ToString("N");
        string secretHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        var spec = new ContainerSpec
        {
            Name = fixture.NewName(),
            // The script prints the secret's hash, never the secret, and its command line does not contain it.
            Command = ["/bin/sh", "-c", "echo plain=$PLAIN; printf %s \"$API_KEY\" | sha256sum; echo ready; sleep 300 & wait"],
            Environment = [new("PLAIN", "visible"), ContainerEnvironmentVariable.Secret("API_KEY", secret)],
            MemoryBytes = 64L * 1024 * 1024,
        };

        ContainerInfo info = await _runtime.CreateAsync(spec);
        await _runtime.StartAsync(spec.Name);
        await Eventually.TrueAsync(
            async () => SandboxFixture.Output((await _runtime.GetLogsAsync(spec.Name)).Lines).Contains("ready"), TimeSpan.FromSeconds(20), "ready");
        string[] commandLines = [.. await ProcessFilesAsync(spec.Name, "cmdline")];
        string[] environments = [.. await ProcessFilesAsync(spec.Name, "environ")];
        ContainerStatus status = await _runtime.StopAsync(spec.Name, TimeSpan.FromSeconds(5));

        string[] said = SandboxFixture.Output((await _runtime.GetLogsAsync(spec.Name)).Lines);
        Assert.Equal("plain=visible", said[0]);
        Assert.Equal(secretHash + "  -", said[1]);
        Assert.Contains(environments, e => e.Contains("API_KEY=" + secret, StringComparison.Ordinal));
        Assert.NotEmpty(commandLines);
        string[] shown =
        [
            spec.ToString(), info.ToString(), JsonSerializer.Serialize(info), status.ToString(), spec.Environment[1].ToString(),
            (await _runtime.GetAsync(spec.Name))!.ToString(),
            await File.ReadAllTextAsync(Path.Combine(fixture.Options.StateDirectory, spec.Name, "container.json")),
            await File.ReadAllTextAsync(Path.Combine(fixture.Options.StateDirectory, spec.Name, "log.jsonl")),
            .. fixture.Logger.Messages, .. commandLines,
        ];
        Assert.All(shown, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        Assert.Equal(["API_KEY"], info.SecretEnvironmentNames);
        Assert.Equal("visible", info.Environment["PLAIN"]);
        Assert.Equal("API_KEY=***", spec.Environment[1].ToString());
    }

    [Fact(Timeout = 60_000)]
    public async Task CreateAsync_SameSpecWithSecretInANewRuntime_AdoptsItAndStarts()
    {
        var spec = new ContainerSpec
        {
            Name = fixture.NewName(),
            Command = ["/bin/sh", "-c", "echo len=${#TOKEN}"],
            Environment = [ContainerEnvironmentVariable.Secret("TOKEN", "abcdef")],
            MemoryBytes = 64L * 1024 * 1024,
        };
        await _runtime.CreateAsync(spec);
        await using var later = new BubblewrapContainerRuntime(fixture.Options);

        // Secrets are not stored, so a new runtime cannot start it until the owner creates it again.
        await Assert.ThrowsAsync<InvalidOperationException>(() => later.StartAsync(spec.Name));
        var changed = new ContainerSpec { Name = spec.Name, Command = spec.Command, Environment = [ContainerEnvironmentVariable.Secret("TOKEN", "other")], MemoryBytes = spec.MemoryBytes };
        await Assert.ThrowsAsync<ContainerConflictException>(() => later.CreateAsync(changed));
        await later.CreateAsync(spec);
        await later.StartAsync(spec.Name);
        ContainerStatus status = await later.WaitForExitAsync(spec.Name);

        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.Equal(["len=6"], SandboxFixture.Output((await later.GetLogsAsync(spec.Name)).Lines));
    }

    [Fact(Timeout = 60_000)]
    public async Task Files_ConfigurationInSpec_ProgramReadsItFromWorkShownNowhereNotRewritten()
    {
        string text = "{\"marker\":\"cfg-" + Guid.NewGuid().ToString("N") + "\"}";
        string textHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var spec = new ContainerSpec
        {
            Name = fixture.NewName(),
            // Found through its path in the environment, as the agent program finds AGENT_CONFIG; the hash, never the text, is printed.
            Command = ["/bin/sh", "-c", "sha256sum < \"$AGENT_CONFIG\""],
            Environment = [new("AGENT_CONFIG", "/work/config/config.json")],
            Files = new Dictionary<string, string> { ["/work/config/config.json"] = text },
            MemoryBytes = 64L * 1024 * 1024,
        };

        ContainerInfo info = await _runtime.CreateAsync(spec);
        string path = Path.Combine(info.WorkDirectory, "config", "config.json");
        // Old enough that any rewrite shows: the same text is not written again.
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        await _runtime.CreateAsync(spec);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp"));
        await _runtime.StartAsync(spec.Name);
        ContainerStatus status = await _runtime.WaitForExitAsync(spec.Name);

        Assert.Equal(ContainerState.Succeeded, status.State);
        Assert.Equal([textHash + "  -"], SandboxFixture.Output((await _runtime.GetLogsAsync(spec.Name)).Lines));
        Assert.Equal(text, await File.ReadAllTextAsync(path));
        var other = new ContainerSpec { Name = spec.Name, Command = spec.Command, Environment = spec.Environment, Files = new Dictionary<string, string> { ["/work/config/config.json"] = "{}" }, MemoryBytes = spec.MemoryBytes };
        await Assert.ThrowsAsync<ContainerConflictException>(() => _runtime.CreateAsync(other));
        string[] shown =
        [
            spec.ToString(), info.ToString(), JsonSerializer.Serialize(info), status.ToString(),
            await File.ReadAllTextAsync(Path.Combine(fixture.Options.StateDirectory, spec.Name, "container.json")),
            await File.ReadAllTextAsync(Path.Combine(fixture.Options.StateDirectory, spec.Name, "log.jsonl")),
            .. fixture.Logger.Messages,
        ];
        Assert.All(shown, shownText => Assert.DoesNotContain("cfg-", shownText, StringComparison.Ordinal));
        Assert.Contains("files /work/config/config.json", spec.ToString(), StringComparison.Ordinal);
    }

    /// <summary>/proc/PID/FILE of every process in the container, NULs as spaces (what ps and a root user can see).</summary>
    private async Task<IEnumerable<string>> ProcessFilesAsync(string name, string file)
    {
        var texts = new List<string>();
        foreach (int pid in (await _runtime.CgroupsAsync()).For(name).Processes())
        {
            try
            {
                texts.Add((await File.ReadAllTextAsync($"/proc/{pid}/{file}")).Replace('\0', ' '));
            }
            catch (IOException)
            {
                // ended meanwhile
            }
        }

        return texts;
    }
}
