using Azure;
using Azure.Storage.Queues;

namespace AgentFactory.Functions.Provisioning;

/// <summary>The agent's task queue and poison queue.</summary>
public sealed class QueueStep(ProvisioningStorage storage) : IProvisioningStep
{
    /// <inheritdoc/>
    public ProvisioningStepKind Kind => ProvisioningStepKind.Queue;

    /// <inheritdoc/>
    public async Task<StepOutcome> ApplyAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default) =>
        new(Kind,
        [
            await CreateAsync(plan.Names.TaskQueue, cancellationToken).ConfigureAwait(false),
            await CreateAsync(plan.Names.PoisonQueue, cancellationToken).ConfigureAwait(false),
        ]);

    /// <inheritdoc/>
    public async Task<StepOutcome> RemoveAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default) =>
        new(Kind,
        [
            // Poison first: a queue pair never exists as a lone poison queue whose task queue is gone.
            await DeleteAsync(plan.Names.PoisonQueue, cancellationToken).ConfigureAwait(false),
            await DeleteAsync(plan.Names.TaskQueue, cancellationToken).ConfigureAwait(false),
        ]);

    private async Task<ProvisionedResource> CreateAsync(string name, CancellationToken cancellationToken)
    {
        // The service answers 201 when it made the queue and 204 when one with the same metadata was there.
        Response? response = await storage.Queues.GetQueueClient(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ProvisionedResource(ResourceKind.Queue, name, response?.Status == 201 ? ResourceChange.Created : ResourceChange.Existed);
    }

    private async Task<ProvisionedResource> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        QueueClient queue = storage.Queues.GetQueueClient(name);
        bool deleted = await queue.DeleteIfExistsAsync(cancellationToken).ConfigureAwait(false);
        return new ProvisionedResource(ResourceKind.Queue, name, deleted ? ResourceChange.Deleted : ResourceChange.Absent);
    }
}
