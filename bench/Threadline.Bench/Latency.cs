using System.Diagnostics;
using System.Globalization;

namespace Threadline.Bench;

/// <summary>Per-call latencies of one method, in milliseconds, from <see cref="Stopwatch"/> ticks.</summary>
internal sealed record Latency(string Method, int Calls, double MedianMs, double P99Ms, double MeanMs, double MinMs, double MaxMs)
{
    /// <summary>Times <paramref name="call"/> once per iteration after <paramref name="warmup"/> untimed calls.</summary>
    public static Latency Measure(string method, int warmup, int iterations, Func<int, int> call)
    {
        var sink = 0;
        for (var i = 0; i < warmup; i++)
        {
            sink += call(i);
        }
        var ticks = new long[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += call(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        GC.KeepAlive(sink);
        return From(method, ticks);
    }

    /// <summary>Times an asynchronous call the same way, awaiting each before the next starts.</summary>
    public static async Task<Latency> MeasureAsync(string method, int warmup, int iterations, Func<int, Task> call)
    {
        for (var i = 0; i < warmup; i++)
        {
            await call(i);
        }
        var ticks = new long[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call(i);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        return From(method, ticks);
    }

    // Nearest-rank percentiles: the value at or below which that share of calls fell.
    private static Latency From(string method, long[] ticks)
    {
        var iterations = ticks.Length;
        Array.Sort(ticks);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        double Rank(double p) => Ms(ticks[Math.Clamp((int)Math.Ceiling(p * iterations) - 1, 0, iterations - 1)]);
        return new Latency(method, iterations, Rank(0.5), Rank(0.99), ticks.Average(Ms), Ms(ticks[0]), Ms(ticks[^1]));
    }

    public static string Format(double ms) => ms.ToString(ms < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
