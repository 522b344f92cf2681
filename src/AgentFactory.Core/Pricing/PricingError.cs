namespace AgentFactory.Core.Pricing;

/// <summary>Why a pricing request could not be answered, in words a person can act on.</summary>
/// <param name="Code">Stable machine-readable code, e.g. <see cref="PricingErrorCodes.UnknownRegion"/>.</param>
/// <param name="Message">What is wrong and what to do about it.</param>
/// <param name="Field">The input field at fault, when there is one (e.g. "region").</param>
public sealed record PricingError(string Code, string Message, string? Field = null);

/// <summary>The codes a <see cref="PricingError"/> carries.</summary>
public static class PricingErrorCodes
{
    /// <summary>No price sheet exists for the requested region.</summary>
    public const string UnknownRegion = "pricing.unknown-region";

    /// <summary>An estimator input is out of range.</summary>
    public const string InvalidInput = "pricing.invalid-input";
}
