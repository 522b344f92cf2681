using System.Text;
using AgentFactory.Functions.Containers;

namespace AgentFactory.Functions.Provisioning;

/// <summary>
/// The agent's container: created from the plan's spec, given the redacted configuration as
/// <see cref="ProvisioningOptions.ConfigurationPath"/>, and started — or only prepared (<see cref="PrepareAsync"/>).
/// </summary>
public sealed class ContainerStep(IContainerRuntime runtime) : IProvisioningStep
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <inheritdoc/>
    public ProvisioningStepKind Kind => ProvisioningStepKind.Container;

    /// <inheritdoc/>
    public async Task<StepOutcome> ApplyAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        StepOutcome outcome = await PrepareAsync(plan, cancellationToken).ConfigureAwait(false);
        // A running container is left alone; one that exited is run again, which is what "provisioned" means.
        await runtime.StartAsync(plan.Container.Name, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Creates the container and writes its configuration without starting it (the agent-creation wizard's step 4: no
    /// agent runs before the person confirms). A container that already runs is left running.
    /// </summary>
    public async Task<StepOutcome> PrepareAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        bool existed = await runtime.GetAsync(plan.Container.Name, cancellationToken).ConfigureAwait(false) is not null;
        // Create is idempotent by spec, and also hands the runtime the secrets again after a restart of this
        // process (it never stores them, so it could not start the container otherwise).
        ContainerInfo info = await runtime.CreateAsync(plan.Container, cancellationToken).ConfigureAwait(false);
        await WriteConfigurationAsync(info, plan.RedactedConfigurationJson, cancellationToken).ConfigureAwait(false);
        return new StepOutcome(Kind, [new(ResourceKind.Container, info.Name, existed ? ResourceChange.Existed : ResourceChange.Created)]);
    }

    /// <inheritdoc/>
    public async Task<StepOutcome> RemoveAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        bool deleted = await runtime.DeleteAsync(plan.Container.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new StepOutcome(Kind, [new(ResourceKind.Container, plan.Container.Name, deleted ? ResourceChange.Deleted : ResourceChange.Absent)]);
    }

    /// <summary>
    /// Writes the config file into the work directory the runtime made (and deletes with the container). The same
    /// text is not written again, so a repeated apply changes nothing a running agent could notice.
    /// </summary>
    private static async Task WriteConfigurationAsync(ContainerInfo info, string json, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(info.WorkDirectory))
        {
            throw new ContainerRuntimeException(
                $"Container '{info.Name}' has no work directory on this machine ({info.WorkDirectory}), so its configuration cannot be written; " +
                "this step supports runtimes with a local work directory.");
        }

        string path = Path.Combine(info.WorkDirectory, Path.GetFileName(ProvisioningOptions.ConfigurationPath));
        if (File.Exists(path) && await File.ReadAllTextAsync(path, Utf8, cancellationToken).ConfigureAwait(false) == json)
        {
            return;
        }

        // Write then rename: the agent never reads half a file.
        string temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, json, Utf8, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            // The agent runs as the sandbox user, not the file's owner: it must be able to read it.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
