using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Serialization;

namespace AgentFactory.Durable.Tests.Replay;

/// <summary>One step of a random orchestration program; the program is the orchestration's input.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(CallStep), "call")]
[JsonDerivedType(typeof(FanOutStep), "fanOut")]
[JsonDerivedType(typeof(TimerStep), "timer")]
[JsonDerivedType(typeof(EventStep), "event")]
[JsonDerivedType(typeof(SubStep), "sub")]
[JsonDerivedType(typeof(ContinueAsNewStep), "continueAsNew")]
[JsonDerivedType(typeof(StatusStep), "status")]
[JsonDerivedType(typeof(RetryStep), "retry")]
public abstract record Step;

/// <summary>Calls the activity Compute(X).</summary>
public sealed record CallStep(int X) : Step;

/// <summary>Calls Compute for every X at once and awaits them all.</summary>
public sealed record FanOutStep(IReadOnlyList<int> Xs) : Step;

/// <summary>A durable timer.</summary>
public sealed record TimerStep(int Seconds) : Step;

/// <summary>When the test raises an event a program waits for.</summary>
public enum EventDelivery
{
    /// <summary>Once the instance waits for it.</summary>
    WhenWaiting,

    /// <summary>As soon as the instance is idle before it gets to the wait: the event is buffered (and carried over a ContinueAsNew).</summary>
    Early,

    /// <summary>Never: the wait's timeout must fire.</summary>
    Never,
}

/// <summary>Waits for event <paramref name="Name"/>, with a durable-timer timeout when <paramref name="TimeoutSeconds"/> is set.</summary>
public sealed record EventStep(string Name, EventDelivery Delivery, int? TimeoutSeconds) : Step;

/// <summary>Runs a smaller program as a sub-orchestration, with an explicit instance id or a generated one.</summary>
public sealed record SubStep(IReadOnlyList<Step> Steps, bool ExplicitId) : Step;

/// <summary>Continues as new with the rest of the program (and the trace so far) as input.</summary>
public sealed record ContinueAsNewStep : Step;

/// <summary>Sets the user part of the custom status.</summary>
public sealed record StatusStep(string Text) : Step;

/// <summary>Calls the activity Flaky, which fails <paramref name="Failures"/> times for <paramref name="Key"/>, with a retry policy.</summary>
public sealed record RetryStep(string Key, int X, int Failures, int MaxAttempts) : Step;

/// <summary>The interpreter's input: the program, where to start, and the state carried over a ContinueAsNew.</summary>
public sealed record ProgramState(IReadOnlyList<Step> Steps, int Position = 0, IReadOnlyList<string>? Trace = null, string? User = null);

/// <summary>The interpreter's custom status: the step it is at and the text the last StatusStep set.</summary>
public sealed record ProgramStatus(int Step, string? User);

public sealed record FlakyInput(string Key, int X, int Failures);

/// <summary>
/// Random orchestration programs, the orchestrator that interprets them, and a model that says what a
/// program must return. Every activity is a deterministic function of its input, so the output depends
/// on the program alone.
/// </summary>
public static class RandomPrograms
{
    public const string Interpreter = "Interpreter";
    public const string Compute = "Compute";
    public const string Flaky = "Flaky";

    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>Attempts of the Flaky activity per key: state outside the engine, so that an activity run twice shows.</summary>
    public sealed class World
    {
        public ConcurrentDictionary<string, int> Attempts { get; } = new(StringComparer.Ordinal);
    }

    public static DurableTaskRegistry AddInterpreter(this DurableTaskRegistry registry, World world) => registry
        .AddOrchestratorFunc<ProgramState, List<string>>(Interpreter, RunAsync)
        .AddActivityFunc<int, long>(Compute, (_, x) => ComputeValue(x))
        .AddActivityFunc<FlakyInput, long>(Flaky, (_, input) =>
        {
            int attempt = world.Attempts.AddOrUpdate(input.Key, 1, (_, n) => n + 1);
            return attempt <= input.Failures
                ? throw new InvalidOperationException($"Flaky '{input.Key}' failed attempt {attempt}.")
                : ComputeValue(input.X);
        });

    public static long ComputeValue(int x) => (x * 7919L) % 10007 + x;

    public static string Payload(string eventName) => eventName + "!";

    /// <summary>The interpreter: runs the program's steps from <see cref="ProgramState.Position"/> and returns the trace.</summary>
    public static async Task<List<string>> RunAsync(TaskOrchestrationContext context, ProgramState state)
    {
        var trace = new List<string>(state.Trace ?? []);
        string? user = state.User;
        for (int i = state.Position; i < state.Steps.Count; i++)
        {
            context.SetCustomStatus(new ProgramStatus(i, user));
            switch (state.Steps[i])
            {
                case CallStep call:
                    trace.Add(Invariant($"call {call.X}={await context.CallActivityAsync<long>(Compute, call.X)}"));
                    break;
                case FanOutStep fan:
                    long[] results = await Task.WhenAll(fan.Xs.Select(x => context.CallActivityAsync<long>(Compute, x)));
                    trace.Add($"fan-out [{string.Join(',', results)}]");
                    break;
                case TimerStep timer:
                    await context.CreateTimer(TimeSpan.FromSeconds(timer.Seconds), CancellationToken.None);
                    trace.Add(Invariant($"timer {timer.Seconds}s"));
                    break;
                case EventStep e when e.TimeoutSeconds is int seconds:
                    try
                    {
                        trace.Add($"event {e.Name}={await context.WaitForExternalEvent<string>(e.Name, TimeSpan.FromSeconds(seconds))}");
                    }
                    catch (TaskCanceledException)
                    {
                        trace.Add($"event {e.Name} timed out");
                    }

                    break;
                case EventStep e:
                    trace.Add($"event {e.Name}={await context.WaitForExternalEvent<string>(e.Name)}");
                    break;
                case SubStep sub:
                    var child = new ProgramState(sub.Steps);
                    List<string> childTrace = sub.ExplicitId
                        ? await context.CallSubOrchestratorAsync<List<string>>(Interpreter, child, Invariant($"{context.InstanceId}.{i}"))
                        : await context.CallSubOrchestratorAsync<List<string>>(Interpreter, child);
                    trace.Add($"sub [{string.Join("; ", childTrace)}]");
                    break;
                case ContinueAsNewStep:
                    trace.Add(Invariant($"continue-as-new after step {i}"));
                    context.ContinueAsNew(new ProgramState(state.Steps, i + 1, trace, user));
                    return trace;
                case StatusStep status:
                    user = status.Text;
                    trace.Add($"status {status.Text}");
                    break;
                case RetryStep retry:
                    var policy = new RetryPolicy(retry.MaxAttempts, RetryInterval, backoffCoefficient: 2);
                    try
                    {
                        long value = await context.CallActivityAsync<long>(Flaky, new FlakyInput(retry.Key, retry.X, retry.Failures), TaskOptions.FromRetryPolicy(policy));
                        trace.Add(Invariant($"retry {retry.Key}={value}"));
                    }
                    catch (TaskFailedException)
                    {
                        trace.Add($"retry {retry.Key} gave up");
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown step {state.Steps[i]}.");
            }
        }

        context.SetCustomStatus(new ProgramStatus(state.Steps.Count, user));
        return trace;
    }

    /// <summary>What the interpreter must return for <paramref name="steps"/>, and its final custom status.</summary>
    public static (List<string> Trace, ProgramStatus Status) Expected(IReadOnlyList<Step> steps)
    {
        var trace = new List<string>();
        string? user = null;
        for (int i = 0; i < steps.Count; i++)
        {
            switch (steps[i])
            {
                case CallStep call:
                    trace.Add(Invariant($"call {call.X}={ComputeValue(call.X)}"));
                    break;
                case FanOutStep fan:
                    trace.Add($"fan-out [{string.Join(',', fan.Xs.Select(ComputeValue))}]");
                    break;
                case TimerStep timer:
                    trace.Add(Invariant($"timer {timer.Seconds}s"));
                    break;
                case EventStep e:
                    trace.Add(e.Delivery == EventDelivery.Never ? $"event {e.Name} timed out" : $"event {e.Name}={Payload(e.Name)}");
                    break;
                case SubStep sub:
                    trace.Add($"sub [{string.Join("; ", Expected(sub.Steps).Trace)}]");
                    break;
                case ContinueAsNewStep:
                    trace.Add(Invariant($"continue-as-new after step {i}"));
                    break;
                case StatusStep status:
                    user = status.Text;
                    trace.Add($"status {status.Text}");
                    break;
                case RetryStep retry:
                    trace.Add(retry.Failures < retry.MaxAttempts ? Invariant($"retry {retry.Key}={ComputeValue(retry.X)}") : $"retry {retry.Key} gave up");
                    break;
            }
        }

        return (trace, new ProgramStatus(steps.Count, user));
    }

    /// <summary>A random program from <paramref name="seed"/>: 8 to 15 steps, sub-programs of 1 to 5 steps, two levels deep at most.</summary>
    public static ProgramState Generate(int seed)
    {
        var random = new Random(seed);
        int names = 0;
        return new ProgramState(Steps(0));

        List<Step> Steps(int depth)
        {
            var steps = new List<Step>();
            bool continued = false;
            int count = depth == 0 ? random.Next(8, 16) : random.Next(1, 6);
            for (int i = 0; i < count; i++)
            {
                int roll = random.Next(100);
                steps.Add(roll switch
                {
                    < 14 => new CallStep(random.Next(1, 1000)),
                    < 25 => new FanOutStep([.. Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(1, 1000))]),
                    < 35 => new TimerStep(random.Next(1, 1200)),
                    < 52 => Event(),
                    < 63 when depth < 2 => new SubStep(Steps(depth + 1), ExplicitId: random.Next(2) == 0),
                    < 75 when !continued && i < count - 1 => Continue(),
                    < 86 => new StatusStep(Invariant($"s{++names}")),
                    < 100 => Retry(),
                    _ => new CallStep(random.Next(1, 1000)),
                });
            }

            return steps;

            Step Continue()
            {
                continued = true;
                return new ContinueAsNewStep();
            }
        }

        Step Event()
        {
            string name = Invariant($"e{++names}");
            EventDelivery delivery = random.Next(5) switch
            {
                0 => EventDelivery.Never,
                1 or 2 => EventDelivery.Early,
                _ => EventDelivery.WhenWaiting,
            };
            int? timeout = delivery == EventDelivery.Never || random.Next(2) == 0 ? random.Next(30, 900) : null;
            return new EventStep(name, delivery, timeout);
        }

        Step Retry()
        {
            int maxAttempts = random.Next(1, 4);
            return new RetryStep(Invariant($"r{++names}"), random.Next(1, 1000), Failures: random.Next(0, maxAttempts + 1), maxAttempts);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
