using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs.Models;

namespace AgentFactory.Functions.Provisioning;

/// <summary>The agent's blob container, and for memory agents its table.</summary>
public sealed class StorageStep(ProvisioningStorage storage) : IProvisioningStep
{
    /// <inheritdoc/>
    public ProvisioningStepKind Kind => ProvisioningStepKind.Storage;

    /// <inheritdoc/>
    public async Task<StepOutcome> ApplyAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        Response<BlobContainerInfo>? container = await storage.Blobs.GetBlobContainerClient(plan.Names.BlobContainer)
            .CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        List<ProvisionedResource> resources =
        [
            // Null: the container was already there.
            new(ResourceKind.BlobContainer, plan.Names.BlobContainer, container is null ? ResourceChange.Existed : ResourceChange.Created),
        ];
        if (plan.NeedsTable)
        {
            Response<TableItem> table = await storage.Tables.CreateTableIfNotExistsAsync(plan.Names.Table, cancellationToken).ConfigureAwait(false);
            // The SDK turns the service's 409 (table exists) into a value; the raw status tells which happened.
            bool created = table.GetRawResponse().Status is 201 or 204;
            resources.Add(new(ResourceKind.Table, plan.Names.Table, created ? ResourceChange.Created : ResourceChange.Existed));
        }

        return new StepOutcome(Kind, resources);
    }

    /// <inheritdoc/>
    public async Task<StepOutcome> RemoveAsync(ProvisioningPlan plan, CancellationToken cancellationToken = default)
    {
        // The table goes whether or not the plan wants one: a plan is the same for the same agent, but removing
        // must not depend on it being right.
        List<ProvisionedResource> resources = [await DeleteTableAsync(plan.Names.Table, cancellationToken).ConfigureAwait(false)];
        bool deleted = await storage.Blobs.GetBlobContainerClient(plan.Names.BlobContainer).DeleteIfExistsAsync(cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        resources.Add(new(ResourceKind.BlobContainer, plan.Names.BlobContainer, deleted ? ResourceChange.Deleted : ResourceChange.Absent));
        return new StepOutcome(Kind, plan.NeedsTable ? resources : [.. resources.Where(r => r.Kind != ResourceKind.Table || r.Change == ResourceChange.Deleted)]);
    }

    private async Task<ProvisionedResource> DeleteTableAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            Response response = await storage.Tables.DeleteTableAsync(name, cancellationToken).ConfigureAwait(false);
            return new(ResourceKind.Table, name, response.Status == 404 ? ResourceChange.Absent : ResourceChange.Deleted);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return new(ResourceKind.Table, name, ResourceChange.Absent);
        }
    }
}
