namespace AgentFactory.Core.Validation;

/// <summary>
/// One thing wrong with a configuration: where (<see cref="Pointer"/>, an RFC 6901 JSON pointer into the
/// configuration's JSON, e.g. <c>/advanced/environment/2/name</c>; empty for the whole document), what
/// (<see cref="Code"/>, stable, from <see cref="ValidationCodes"/>) and a sentence a person can act on.
/// Messages never contain environment variable values.
/// </summary>
/// <param name="Pointer">The JSON pointer of the field.</param>
/// <param name="Code">The stable problem code.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record ValidationProblem(string Pointer, string Code, string Message);
