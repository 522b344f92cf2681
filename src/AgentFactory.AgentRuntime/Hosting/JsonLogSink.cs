using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace AgentFactory.AgentRuntime.Hosting;

/// <summary>
/// Structured logs as JSON lines: <c>{"ts","level","category","eventId","event","message", …state}</c>, one per
/// line, written synchronously so nothing is lost when the process ends. The sandbox sends them to stderr (stdout
/// carries results); the service to stdout. Every line passes the <see cref="SecretRedactor"/>.
/// </summary>
internal sealed class JsonLogSink(TextWriter writer, SecretRedactor redactor, LogLevel minimumLevel = LogLevel.Information)
{
    private readonly Lock gate = new();

    public ILogger CreateLogger(string category) => new JsonLineLogger(this, category);

    internal bool IsEnabled(LogLevel level) => level >= minimumLevel && level != LogLevel.None;

    internal void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, RuntimeJson.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("ts", DateTimeOffset.UtcNow);
            json.WriteString("level", LevelName(level));
            json.WriteString("category", category);
            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
            }

            if (eventId.Name is { } name)
            {
                json.WriteString("event", name);
            }

            json.WriteString("message", formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    if (key != "{OriginalFormat}" && key is not ("Ts" or "Level" or "Category" or "EventId" or "Event" or "Message"))
                    {
                        // Message template names are PascalCase by .NET convention; the JSON lines are camelCase like results.
                        WriteValue(json, JsonNamingPolicy.CamelCase.ConvertName(key), value);
                    }
                }
            }

            if (exception is not null)
            {
                json.WriteString("exception", exception.GetType().FullName);
                json.WriteString("exceptionMessage", exception.Message);
            }

            json.WriteEndObject();
        }

        var line = redactor.Redact(Encoding.UTF8.GetString(buffer.WrittenSpan));
        lock (gate)
        {
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case int or long or double or decimal or float or short:
                json.WritePropertyName(key);
                JsonSerializer.Serialize(json, value, value.GetType());
                break;
            case IFormattable formattable:
                json.WriteString(key, formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, value.ToString());
                break;
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };

    private sealed class JsonLineLogger(JsonLogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => sink.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink.Write(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
