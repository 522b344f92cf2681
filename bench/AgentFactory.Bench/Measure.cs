using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;

namespace AgentFactory.Bench;

/// <summary>Timing helpers: warm-up, calibrated repetitions, medians and percentiles.</summary>
internal static class Measure
{
    /// <summary>One timed repetition of a call: mean time and bytes allocated per call, and the collections it caused.</summary>
    public readonly record struct Rep(double MicrosecondsPerCall, double BytesPerCall, long Iterations, TimeSpan Cpu, int Gen0, int Gen1, int Gen2);

    /// <summary>
    /// Process CPU time per call over all <paramref name="reps"/>. Unlike wall time it does not grow while other
    /// processes hold the cores; its clock ticks are coarse (10 ms on Linux), so only the sum over
    /// repetitions is used.
    /// </summary>
    public static double CpuMicrosecondsPerCall(IReadOnlyList<Rep> reps) =>
        reps.Sum(r => r.Cpu.TotalMicroseconds) / reps.Sum(r => r.Iterations);

    /// <summary>
    /// Times several calls in interleaved repetitions (call 1, call 2, …, then again), so that a noisy spell
    /// on a shared machine hits every call alike instead of one. Each call is first run until warm for at
    /// least <paramref name="warmUp"/> (tiered JIT promotes hot code after ~30 calls and a 100 ms delay),
    /// which also gives the iteration count that makes one repetition last about <paramref name="repetitionTarget"/>.
    /// Each repetition starts on a freshly collected heap; collections caused by the call itself count, as
    /// they are part of its cost.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Rep>> Interleaved(IReadOnlyList<Action> calls, TimeSpan warmUp, TimeSpan repetitionTarget, int repetitions)
    {
        long[] iterations = [.. calls.Select(call => Calibrate(call, warmUp, repetitionTarget))];
        List<Rep>[] reps = [.. calls.Select(_ => new List<Rep>(repetitions))];
        for (int r = 0; r < repetitions; r++)
        {
            for (int c = 0; c < calls.Count; c++)
            {
                reps[c].Add(TimeOnce(calls[c], iterations[c]));
            }
        }

        return reps;
    }

    private static long Calibrate(Action call, TimeSpan warmUp, TimeSpan repetitionTarget)
    {
        long calls = 0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmUp || calls < 50)
        {
            call();
            calls++;
        }

        double secondsPerCall = warm.Elapsed.TotalSeconds / calls;
        return Math.Max(1, (long)(repetitionTarget.TotalSeconds / secondsPerCall));
    }

    private static Rep TimeOnce(Action call, long iterations)
    {
        Collect();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        using Process process = Process.GetCurrentProcess();
        TimeSpan cpu = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < iterations; i++)
        {
            call();
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        long bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        process.Refresh();
        return new Rep(elapsed.TotalMicroseconds / iterations, (double)bytes / iterations, iterations, process.TotalProcessorTime - cpu,
            GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
    }

    public static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Nearest-rank percentile of an ascending array (p in 0..100).</summary>
    public static double Percentile(double[] ascending, double p)
    {
        if (ascending.Length == 0)
        {
            return double.NaN;
        }

        int rank = (int)Math.Ceiling(p / 100 * ascending.Length);
        return ascending[Math.Clamp(rank - 1, 0, ascending.Length - 1)];
    }

    /// <summary>(max - min) / median of the repetitions, in percent: how noisy the figure is.</summary>
    public static double SpreadPercent(IReadOnlyCollection<double> values)
    {
        double median = Median(values);
        return median == 0 ? 0 : (values.Max() - values.Min()) / median * 100;
    }

    /// <summary>The 1-minute load average (Linux), to show whether other work shared the machine.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    public static void PrintMachine()
    {
        GCMemoryInfo memory = GC.GetGCMemoryInfo();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"date (UTC) {DateTime.UtcNow:yyyy-MM-dd HH:mm} | {Environment.ProcessorCount} cores | {memory.TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F1} GB | " +
            $"{RuntimeInformation.OSDescription} | {RuntimeInformation.FrameworkDescription} | " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC | load avg {LoadAverage()}"));
#if DEBUG
        Console.WriteLine("WARNING: Debug build; run with -c Release for figures worth comparing.");
#endif
    }
}

/// <summary>A plain text table with right-aligned columns (the first column left-aligned).</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Print()
    {
        int[] widths = [.. headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length)))];
        Console.WriteLine("  " + Format(headers));
        Console.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (string[] row in _rows)
        {
            Console.WriteLine("  " + Format(row));
        }

        string Format(string[] cells) =>
            string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
    }
}

/// <summary>Number formatting used by every table (invariant culture).</summary>
internal static class Fmt
{
    public static string N(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static string Pct(double value) => value.ToString("F1", CultureInfo.InvariantCulture) + " %";

    public static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("N0", CultureInfo.InvariantCulture) + " MB";
}
