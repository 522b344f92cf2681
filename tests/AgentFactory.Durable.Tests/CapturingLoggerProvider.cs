using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgentFactory.Durable.Tests;

/// <summary>Records every log message (category and text) written through a host's logging.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _entries = new();

    /// <summary>The messages written under <paramref name="category"/>, in order.</summary>
    public IReadOnlyList<string> MessagesOf(string category) =>
        [.. _entries.Where(e => e.Category == category).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue((category, formatter(state, exception)));
    }
}
