namespace AgentFactory.Core;

/// <summary>Embedded or supplied catalog data is inconsistent. Raised at load, so a bad data file fails at start, not mid-wizard.</summary>
public sealed class CatalogException : Exception
{
    /// <summary>Creates the exception for <paramref name="catalog"/> with every problem found.</summary>
    public CatalogException(string catalog, IReadOnlyList<string> problems)
        : base($"The {catalog} is invalid: {string.Join(" ", problems)}") => Problems = problems;

    /// <summary>Creates the exception with a message.</summary>
    public CatalogException(string message) : base(message) => Problems = [message];

    /// <summary>Creates the exception with a message and the cause.</summary>
    public CatalogException(string message, Exception innerException) : base(message, innerException) => Problems = [message];

    /// <summary>Creates an exception without detail.</summary>
    public CatalogException() : this("The catalog is invalid.")
    {
    }

    /// <summary>Every problem found, each a sentence.</summary>
    public IReadOnlyList<string> Problems { get; }
}
