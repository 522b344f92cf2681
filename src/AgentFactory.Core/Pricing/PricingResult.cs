namespace AgentFactory.Core.Pricing;

/// <summary>
/// A value or the errors that prevented it. Validation paths (the configuration step, the review
/// step) get a result they can turn into a ProblemDetails instead of catching an exception.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class PricingResult<T>
{
    private readonly T? _value;

    internal PricingResult(T value)
    {
        _value = value;
        Errors = [];
    }

    internal PricingResult(IReadOnlyList<PricingError> errors)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("A failed result needs at least one error.", nameof(errors));
        }

        Errors = errors;
    }

    /// <summary>True when there is a value and no error.</summary>
    public bool IsSuccess => Errors.Count == 0;

    /// <summary>Every reason the value could not be produced; empty on success.</summary>
    public IReadOnlyList<PricingError> Errors { get; }

    /// <summary>The value; throws <see cref="InvalidOperationException"/> naming the errors when there is none.</summary>
    public T Value => IsSuccess
        ? _value!
        : throw new InvalidOperationException("No value: " + string.Join("; ", Errors.Select(e => e.Message)));

    /// <summary>The value, when there is one.</summary>
    public bool TryGetValue(out T value)
    {
        value = _value!;
        return IsSuccess;
    }
}

/// <summary>Creates <see cref="PricingResult{T}"/> values.</summary>
public static class PricingResult
{
    /// <summary>A successful result.</summary>
    public static PricingResult<T> Success<T>(T value) => new(value);

    /// <summary>A failed result with one or more errors.</summary>
    public static PricingResult<T> Failure<T>(IReadOnlyList<PricingError> errors) => new(errors);

    /// <summary>A failed result with one error.</summary>
    public static PricingResult<T> Failure<T>(PricingError error) => new([error]);
}
