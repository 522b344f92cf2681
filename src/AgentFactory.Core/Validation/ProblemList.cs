namespace AgentFactory.Core.Validation;

/// <summary>Collects problems while rules run.</summary>
internal sealed class ProblemList
{
    private readonly List<ValidationProblem> problems = [];

    public IReadOnlyList<ValidationProblem> Items => problems;

    public int Count => problems.Count;

    public void Add(string pointer, string code, string message) => problems.Add(new ValidationProblem(pointer, code, message));

    public void AddRange(IEnumerable<ValidationProblem> items) => problems.AddRange(items);

    /// <summary>True when a problem was reported at <paramref name="pointer"/> or inside it.</summary>
    public bool AnyWithin(string pointer) => problems.Exists(problem => JsonPointer.IsWithin(problem.Pointer, pointer));

    /// <summary>True when a problem was reported at <paramref name="pointer"/>, inside it, or at one of its ancestors.</summary>
    public bool IsRelatedTo(string pointer) =>
        problems.Exists(problem => JsonPointer.IsWithin(problem.Pointer, pointer) || JsonPointer.IsWithin(pointer, problem.Pointer));

    /// <summary>Reports a required value that is missing (null).</summary>
    public void Required(string pointer, string what) => Add(pointer, ValidationCodes.Required, $"{what} is required.");
}
