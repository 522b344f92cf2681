using AgentFactory.Core.Configuration;

namespace AgentFactory.Core.Pricing.Estimation;

// Range checks on CostInputs. The configuration validator checks the wizard's allowed values; these
// are the limits beyond which an estimate would mean nothing (ANCHORS: ACI Linux group ≤ 4 vCPU, 16 GB).
internal static class CostInputsValidator
{
    public const decimal MaxVCpu = 4m;
    public const decimal MaxMemoryGb = 16m;

    public static List<PricingError> Validate(CostInputs inputs)
    {
        var errors = new List<PricingError>();
        void Fail(string field, string message) => errors.Add(new PricingError(PricingErrorCodes.InvalidInput, message, field));

        if (string.IsNullOrWhiteSpace(inputs.Region))
        {
            Fail("region", "A region is required, e.g. 'eastus'.");
        }

        if (inputs.VCpu <= 0m || inputs.VCpu > MaxVCpu)
        {
            Fail("vCpu", $"vCPU must be more than 0 and at most {MaxVCpu} (the ACI Linux container group limit); got {inputs.VCpu}.");
        }

        if (inputs.MemoryGb <= 0m || inputs.MemoryGb > MaxMemoryGb)
        {
            Fail("memoryGb", $"Memory must be more than 0 and at most {MaxMemoryGb} GB (the ACI Linux container group limit); got {inputs.MemoryGb}.");
        }

        NotNegative(inputs.StorageGb, "storageGb", "Storage");
        NotNegative(inputs.TableDataGb, "tableDataGb", "Table data");
        NotNegative(inputs.EgressGbPerMonth, "egressGbPerMonth", "Egress");
        NotNegative(inputs.TasksPerDay, "tasksPerDay", "Tasks per day");
        if (inputs.StartupOverheadPerRun < TimeSpan.Zero)
        {
            Fail("startupOverheadPerRun", "Start-up overhead cannot be negative.");
        }

        if (!Enum.IsDefined(inputs.Mode))
        {
            Fail("mode", $"Unknown execution mode {inputs.Mode}; use AlwaysOn or OnDemand.");
        }

        if (inputs.Mode == ExecutionMode.OnDemand && inputs.AverageTaskDuration <= TimeSpan.Zero)
        {
            Fail("averageTaskDuration", "On demand, the average task duration must be more than zero: it is what each run is billed for.");
        }

        if (inputs.Mode == ExecutionMode.AlwaysOn && inputs.IdlePollInterval <= TimeSpan.Zero)
        {
            Fail("idlePollInterval", "Always on, the idle poll interval must be more than zero.");
        }

        if (inputs.Sandbox.Runs < 0 || inputs.Sandbox.DurationPerRun < TimeSpan.Zero)
        {
            Fail("sandbox", "Sandbox runs and their duration cannot be negative.");
        }

        var profile = inputs.EffectiveTransactions;
        if (profile.QueueOperationsPerTask < 0m || profile.TableTransactionsPerTask < 0m
            || profile.BlobWritesPerTask < 0m || profile.BlobReadsPerTask < 0m)
        {
            Fail("transactions", "Transactions per task cannot be negative.");
        }

        return errors;

        void NotNegative(decimal value, string field, string what)
        {
            if (value < 0m)
            {
                Fail(field, $"{what} cannot be negative; got {value}.");
            }
        }
    }
}
