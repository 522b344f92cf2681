using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Tests.Containers;

public sealed class ContainerSpecTests
{
    private static ContainerSpec Valid(string name = "agent-1") => new() { Name = name, Command = ["/bin/true"] };

    [Theory]
    [InlineData("a", true)]
    [InlineData("agent-42", true)]
    [InlineData("0abc", true)]
    [InlineData("", false)]
    [InlineData("Agent", false)]
    [InlineData("-agent", false)]
    [InlineData("agent-", false)]
    [InlineData("a--b", false)]
    [InlineData("a_b", false)]
    [InlineData("../x", false)]
    public void IsValidName_ContainerInstancesRules(string name, bool valid) => Assert.Equal(valid, ContainerSpec.IsValidName(name));

    [Fact]
    public void IsValidName_64Characters_Invalid()
    {
        Assert.True(ContainerSpec.IsValidName(new string('a', 63)));
        Assert.False(ContainerSpec.IsValidName(new string('a', 64)));
    }

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(4, true)]
    [InlineData(0.25, true)]
    [InlineData(0, false)]
    [InlineData(4.5, false)]
    [InlineData(0.125, false)]
    public void Validate_CpuCores(double cores, bool valid) => AssertValidity(valid, new ContainerSpec { Name = "a", Command = ["x"], CpuCores = (decimal)cores });

    [Theory]
    [InlineData(16L * 1024 * 1024, true)]
    [InlineData(16L * 1024 * 1024 * 1024, true)]
    [InlineData(1024L * 1024, false)]
    [InlineData(17L * 1024 * 1024 * 1024, false)]
    public void Validate_MemoryBytes(long bytes, bool valid) => AssertValidity(valid, new ContainerSpec { Name = "a", Command = ["x"], MemoryBytes = bytes });

    [Theory]
    [InlineData("/work/config/config.json", true)]
    [InlineData("/work/_x/a.b-c_d", true)]
    [InlineData("/work/config.json", false)] // directly in /work: a volume there would hide the writable work directory
    [InlineData("/work/a/b/c.json", false)]
    [InlineData("/etc/config/config.json", false)]
    [InlineData("/work/../config/x", false)]
    [InlineData("/work/config/..", false)]
    [InlineData("/work/config/.hidden", false)]
    [InlineData("work/config/x", false)]
    public void Validate_FilePaths(string path, bool valid) =>
        AssertValidity(valid, new ContainerSpec { Name = "a", Command = ["x"], Files = new Dictionary<string, string> { [path] = "{}" } });

    [Fact]
    public void Validate_BadEnvironmentMountsOrCommand_ThrowsWithWhatToChange()
    {
        Assert.Contains("Environment variable", Assert.Throws<ArgumentException>(() =>
            new ContainerSpec { Name = "a", Command = ["x"], Environment = [new("1BAD", "v")] }.Validate()).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() =>
            new ContainerSpec { Name = "a", Command = ["x"], Environment = [new("A", "1"), new("A", "2")] }.Validate());
        Assert.Throws<ArgumentException>(() => new ContainerSpec { Name = "a", Command = [] }.Validate());
        Assert.Throws<ArgumentException>(() => new ContainerSpec { Name = "a", Command = ["x"], ReadOnlyMounts = [new("/opt/app", "/work/app")] }.Validate());
        Assert.Throws<ArgumentException>(() => new ContainerSpec { Name = "a", Command = ["x"], ReadOnlyMounts = [new("relative", "/app")] }.Validate());
        Assert.Throws<ArgumentException>(() => new ContainerSpec { Name = "a", Command = ["x"], ReadOnlyMounts = [new("/opt/app", "/")] }.Validate());
        new ContainerSpec { Name = "a", Command = ["x"], ReadOnlyMounts = [new("/opt/app", "/app")] }.Validate();
    }

    [Fact]
    public void ToString_SecretEnvironment_NeverShowsTheValue()
    {
        ContainerSpec spec = Valid();
        spec = new ContainerSpec { Name = spec.Name, Command = spec.Command, Environment = [ContainerEnvironmentVariable.Secret("KEY", "hunter2"), new("MODE", "fast")] };

        Assert.DoesNotContain("hunter2", spec.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", string.Join(",", spec.Environment), StringComparison.Ordinal);
        Assert.Equal("KEY=*** MODE=fast", string.Join(" ", spec.Environment));
        Assert.DoesNotContain("hunter2", ContainerInfo.From(spec, "/w", DateTimeOffset.UnixEpoch).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalBytes_OrderOfEnvironmentAndLabelsIgnored_ValuesCount()
    {
        ContainerSpec a = new() { Name = "a", Command = ["x"], Environment = [new("A", "1"), new("B", "2")], Labels = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" } };
        ContainerSpec b = new() { Name = "a", Command = ["x"], Environment = [new("B", "2"), new("A", "1")], Labels = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" } };
        ContainerSpec c = new() { Name = "a", Command = ["x"], Environment = [new("A", "1"), new("B", "2", IsSecret: true)], Labels = a.Labels };

        Assert.Equal(a.CanonicalBytes(), b.CanonicalBytes());
        Assert.NotEqual(a.CanonicalBytes(), c.CanonicalBytes());
    }

    private static void AssertValidity(bool valid, ContainerSpec spec)
    {
        if (valid)
        {
            spec.Validate();
        }
        else
        {
            Assert.Throws<ArgumentException>(spec.Validate);
        }
    }
}
