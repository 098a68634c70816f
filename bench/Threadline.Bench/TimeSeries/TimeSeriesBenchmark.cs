using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Threadline.Features.Telemetry;
using Threadline.Telemetry;

namespace Threadline.Bench.TimeSeries;

/// <summary>Settings of one run of the time-series benchmark.</summary>
internal sealed record TimeSeriesBenchmarkOptions(int Batches, int BatchSize, int Writers, int QueryIterations, int IntervalSeconds, string? PostgresConnectionString);

/// <summary>
/// Appends a generated plant stream (1,000 series, each reporting once per interval of plant time, with resent
/// duplicates and late points mixed in; one point per series per --interval-seconds of plant time) through <see cref="ITelemetryStore.AppendAsync"/> in fixed-size batches,
/// checks what the store counted against what the generator knows, then times 1-day rollup reads.
/// </summary>
internal static class TimeSeriesBenchmark
{
    private const int Assets = 100;
    private const int SignalsPerAsset = 10;
    private const double DuplicateShare = 0.05;
    private const double LateShare = 0.05;
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(TimeSeriesBenchmarkOptions options)
    {
        var clock = Stopwatch.StartNew();
        var stream = Generate(options, out var expected);
        Console.WriteLine($"Generated {stream.Sum(b => b.Length):N0} points in {stream.Count:N0} batches of {options.BatchSize:N0} over {Assets * SignalsPerAsset:N0} series " +
            $"({expected.Duplicates:N0} duplicates, {expected.Late:N0} sent late), one point per series every {options.IntervalSeconds} s of plant time from {Start:yyyy-MM-dd HH:mm}, in {clock.ElapsedMilliseconds} ms.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}, .NET {Environment.Version}.");

        var folder = Path.Combine(Path.GetTempPath(), "threadline-bench-" + Guid.NewGuid().ToString("N")[..8]);
        string? postgresDatabase = null;
        try
        {
            var duck = new DuckDbTelemetryStore(Path.Combine(folder, "telemetry.duckdb"), new TelemetryOptions());
            await RunStoreAsync("DuckDB", duck, stream, expected, options);
            duck.Dispose();
            if (options.PostgresConnectionString is { } admin)
            {
                (postgresDatabase, var connection) = await ScratchPostgres.CreateAsync(admin);
                await using var postgres = new PostgresTelemetryStore(connection, new TelemetryOptions { Store = TelemetryStores.Postgres, ConnectionString = connection });
                await RunStoreAsync("PostgreSQL", postgres, stream, expected, options);
            }
            Console.WriteLine($"Load average at the end: {LoadAverage()}.");
            return 0;
        }
        finally
        {
            if (postgresDatabase is not null)
            {
                await ScratchPostgres.DropAsync(options.PostgresConnectionString!, postgresDatabase);
            }
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task RunStoreAsync(string name, ITelemetryStore store, List<TelemetryPoint[]> stream, Expected expected, TimeSeriesBenchmarkOptions options)
    {
        await store.InitialiseAsync(default);
        var next = -1;
        var results = new AppendResult[stream.Count];
        var ticks = new long[stream.Count];
        var wall = Stopwatch.StartNew();
        // Writers take batches in stream order, as concurrent MQTT ingestion workers would.
        await Task.WhenAll(Enumerable.Range(0, options.Writers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < stream.Count)
            {
                var started = Stopwatch.GetTimestamp();
                results[index] = await store.AppendAsync(stream[index], default);
                ticks[index] = Stopwatch.GetTimestamp() - started;
            }
        })));
        wall.Stop();

        var offered = stream.Sum(b => b.Length);
        var stored = results.Sum(r => r.Stored);
        var duplicates = results.Sum(r => r.Duplicates);
        var outOfOrder = results.Sum(r => r.OutOfOrder);
        if (stored != expected.Distinct || duplicates != expected.Duplicates)
        {
            throw new InvalidOperationException($"{name}: stored {stored} and {duplicates} duplicates, expected {expected.Distinct} and {expected.Duplicates}.");
        }
        Array.Sort(ticks);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"{name} append: {offered:N0} points in {wall.Elapsed.TotalSeconds:0.00} s = {offered / wall.Elapsed.TotalSeconds:N0} points/s " +
            $"({options.Writers} writer(s)); per batch median {Ms(ticks[ticks.Length / 2]):0.00} ms, p99 {Ms(ticks[Math.Min(ticks.Length - 1, (int)(ticks.Length * 0.99))]):0.00} ms; " +
            $"stored {stored:N0}, duplicates {duplicates:N0}, out of order {outOfOrder:N0} (generator: {expected.Late:N0} late).");

        var day = Start.AddDays(0);
        var minutes = Latency.Measure($"{name} 1-day read, step 1m", warmup: 20, options.QueryIterations, i =>
            store.ReadRollupAsync(Asset(i % Assets), Signal(i % SignalsPerAsset), day, day.AddDays(1), TimeSpan.FromMinutes(1), default).GetAwaiter().GetResult().Count);
        var hours = Latency.Measure($"{name} 1-day read, step 1h", warmup: 20, options.QueryIterations, i =>
            store.ReadRollupAsync(Asset(i % Assets), Signal(i % SignalsPerAsset), day, day.AddDays(1), TimeSpan.FromHours(1), default).GetAwaiter().GetResult().Count);
        var buckets = (await store.ReadRollupAsync(Asset(0), Signal(0), day, day.AddDays(1), TimeSpan.FromMinutes(1), default)).Count;
        foreach (var latency in new[] { minutes, hours })
        {
            Console.WriteLine($"{latency.Method}: {latency.Calls} calls, median {Latency.Format(latency.MedianMs)} ms, p99 {Latency.Format(latency.P99Ms)} ms, mean {Latency.Format(latency.MeanMs)} ms");
        }
        Console.WriteLine($"{name} 1-day 1m read returns {buckets:N0} buckets.");
    }

    private sealed class Expected
    {
        public int Distinct;
        public int Duplicates;
        public int Late;
    }

    private static string Asset(int a) => "PUMP-" + a.ToString("000", CultureInfo.InvariantCulture);

    private static string Signal(int s) => "signal-" + s.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The arrival stream: each interval every series reports once; 5% of points are held back and sent 1 to 30
    /// intervals later, and 5% of what is sent is a resend of a point already sent. Fixed seed, so every run sends the same.
    /// </summary>
    private static List<TelemetryPoint[]> Generate(TimeSeriesBenchmarkOptions options, out Expected expected)
    {
        var random = new Random(20261123);
        var total = options.Batches * options.BatchSize;
        var seriesCount = Assets * SignalsPerAsset;
        var arrivals = new List<TelemetryPoint>(total);
        var held = new SortedDictionary<int, List<TelemetryPoint>>();
        var counts = new Expected();
        for (var tick = 0; arrivals.Count < total; tick++)
        {
            var at = Start + TimeSpan.FromSeconds((long)options.IntervalSeconds * tick);
            for (var s = 0; s < seriesCount && arrivals.Count < total; s++)
            {
                var point = new TelemetryPoint(Asset(s / SignalsPerAsset), Signal(s % SignalsPerAsset), at.AddMilliseconds(s % 1000),
                    50 + (10 * Math.Sin((tick + s) / 30.0)) + random.NextDouble(), "bar", TelemetryQuality.Good, "edge-" + (s / SignalsPerAsset));
                if (random.NextDouble() < LateShare)
                {
                    var due = tick + random.Next(1, 31);
                    if (!held.TryGetValue(due, out var list))
                    {
                        held[due] = list = [];
                    }
                    list.Add(point);
                    continue;
                }
                Send(point);
            }
            if (held.Remove(tick, out var dueNow))
            {
                foreach (var point in dueNow.TakeWhile(_ => arrivals.Count < total))
                {
                    counts.Late++;
                    Send(point);
                }
            }
        }
        expected = counts;
        return [.. arrivals.Chunk(options.BatchSize)];

        void Send(TelemetryPoint point)
        {
            arrivals.Add(point);
            counts.Distinct++;
            if (random.NextDouble() < DuplicateShare / (1 - DuplicateShare) && arrivals.Count < total)
            {
                // A resend of something recent, as after a reconnect: may fall in this batch or the previous one.
                arrivals.Add(arrivals[Math.Max(0, arrivals.Count - 1 - random.Next(0, options.BatchSize))]);
                counts.Duplicates++;
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
