using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Demo;
using Threadline.Features.Ingestion;
using Threadline.Features.Plm;
using Threadline.Features.Telemetry;
using Threadline.Features.Twins;
using Threadline.Hosting;

namespace Threadline.Bench.Ingest;

internal sealed record IngestBenchmarkOptions(
    int Publishers, int Window, int Messages, int SparkplugMessages, int Devices, int Metrics, double LatencySeconds, string Mosquitto, string Store, int? SparkplugDedupWindow,
    IReadOnlyDictionary<string, string?> Settings);

/// <summary>
/// Loopback publishers through the embedded broker, the pipeline (decode, asset mapping through the installed base,
/// design-limit check, dedup, queue) and the registered ITelemetryStore: saturation rate, then publish-to-stored
/// latency at half that rate, for single-point JSON and for Sparkplug B DDATA; beside them the same messages through
/// a real Mosquitto to one plain subscriber (the ceiling). Every phase checks that each point was stored once.
/// </summary>
internal static class IngestBenchmark
{
    public const string Prefix = "bench";
    private const string Site = "acme-water/bench/line-1";
    private const string NotIngested = "elsewhere/";
    private static readonly DateTimeOffset ShipDate = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(IngestBenchmarkOptions options)
    {
        Console.WriteLine($"Ingestion benchmark: {options.Publishers} publishers, QoS 1, {options.Window} in flight each; " +
            $"{options.Messages:N0} JSON messages and {options.SparkplugMessages:N0} Sparkplug DDATA × {options.Metrics} ({options.Devices} devices per edge node) per saturation run.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; load average {LoadAverage()}");

        var rows = new List<string>();
        var failures = new List<string>();
        var sparkplug = new SparkplugWorkload(options.Publishers, options.Devices, options.Metrics);
        List<string> jsonTopicsAssets = [];
        foreach (var (kind, messages) in new[] { ("json", options.Messages), ("sparkplug", options.SparkplugMessages) })
        {
            // A fresh server (and store file) per payload format. Sparkplug points carry their message's seq (0 to 255,
            // shared by all metrics of a message), which the pipeline's per-source seq dedup takes for a
            // retransmission; --sparkplug-dedup-window 0 (the default here) turns that dedup off so every point is stored.
            var settings = new Dictionary<string, string?>(options.Settings);
            if (kind == "sparkplug")
            {
                settings["Ingestion:DedupWindow"] = options.SparkplugDedupWindow?.ToString(CultureInfo.InvariantCulture);
            }
            var data = Directory.CreateTempSubdirectory("threadline-bench-ingest-").FullName;
            try
            {
                var app = await StartServerAsync(data, options.Store, settings);
                try
                {
                    var port = app.Services.GetRequiredService<EmbeddedBroker>().Port;
                    var store = (MeasuredStore)app.Services.GetRequiredService<ITelemetryStore>();
                    var counters = app.Services.GetRequiredService<IngestionCounters>();
                    var (jsonAssets, sparkplugAssets) = await RegisterAssetsAsync(app.Services, options);
                    jsonTopicsAssets = jsonAssets;
                    Workload workload = kind == "json" ? new JsonWorkload(jsonAssets, Site) : sparkplug;
                    var check = new StoredCheck(store, counters, failures, app.Services.GetService<TwinFeed>());
                    var opts = options with { Messages = messages };
                    var births = workload.PointsPerSession * options.Publishers;
                    Console.WriteLine();
                    Console.WriteLine($"== {workload.Name} == store {store.InnerName}; {jsonAssets.Count + sparkplugAssets.Count} assets registered through InstalledBaseService ({DemoPumpFamily.Pump}); " +
                        $"Ingestion:DedupWindow {app.Services.GetRequiredService<IOptions<IngestionOptions>>().Value.DedupWindow}");
                    // With the journal a PUBACK no longer means stored: every ingested phase ends when the server has
                    // counted each point stored, and publish-to-stored is read from the store's own append times.
                    // The twins are part of the path when they run (Twins:Enabled, the product default): a phase ends
                    // when every point is stored and every reading offered to the twins has been handled.
                    var twins = app.Services.GetService<TwinFeed>();
                    Func<Task> AllStored(IngestBenchmarkOptions phase)
                    {
                        var now = counters.Snapshot();
                        var target = now.Stored + now.Duplicate + births + phase.Messages / options.Publishers * options.Publishers * workload.PointsPerMessage;
                        return async () =>
                        {
                            await WaitStoredAsync(counters, target);
                            if (twins is not null)
                            {
                                await twins.DrainedAsync();
                            }
                        };
                    }
                    var warmUp = opts with { Messages = Math.Max(options.Publishers, messages / 10) };
                    await check.RunAsync($"{workload.Name} warm-up", births, () => RunPhaseAsync("warm-up", port, workload, warmUp, rate: null, delivered: AllStored(warmUp)));
                    var saturation = await check.RunAsync($"{workload.Name} saturation", births, () => RunPhaseAsync("Threadline saturation", port, workload, opts, rate: null, delivered: AllStored(opts)));
                    var half = saturation.MessageRate / 2;
                    var halfRate = opts with { Messages = Math.Max(options.Publishers, (int)(half * options.LatencySeconds)) };
                    var latency = await check.RunAsync($"{workload.Name} half rate", births, () => RunPhaseAsync("Threadline at half rate", port, workload,
                        halfRate, rate: half, delivered: AllStored(halfRate), stored: store));
                    // The same broker and load on a topic outside the UNS and spBv1.0: what the pipeline costs on top of MQTTnet.
                    var brokerOnly = await RunPhaseAsync("embedded broker only (topic not ingested)", port, workload, opts, rate: null, topicRoot: NotIngested);
                    await check.ReadBackAsync(kind == "json" ? jsonAssets[0] : sparkplugAssets[0],
                        kind == "json" ? [JsonWorkload.Signal] : [sparkplug.Signal(0), sparkplug.Signal(options.Metrics - 1)]);
                    var stats = counters.Snapshot();
                    var series = kind == "json" ? options.Publishers : options.Publishers * options.Devices * options.Metrics;
                    Console.WriteLine($"({stats.Stored:N0} stored over {series:N0} series: {stats.Stored / (double)series:N1} a series on average.)");
                    Console.WriteLine($"Server counters: stored {stats.Stored:N0}, duplicate {stats.Duplicate:N0}, dead-lettered {stats.DeadLettered.Values.Sum():N0}, " +
                        $"quarantined {stats.Quarantined:N0}, limit crossings {stats.LimitCrossings:N0}, store failures {stats.StoreFailures:N0}");
                    rows.Add($"| Threadline → {store.InnerName}, {workload.Name}, QoS 1 | {saturation.MessageRate:N0} | {saturation.PointRate:N0} | {Ms(latency.StoredP50)} at {latency.PointRate:N0} points/s | {Ms(latency.StoredP99)} | {Ms(latency.P50)} / {Ms(latency.P99)} | {Twins(saturation)} |");
                    rows.Add($"| Threadline embedded broker alone, same messages, not ingested | {brokerOnly.MessageRate:N0} | {brokerOnly.PointRate:N0} | – | – | – | – |");
                    // QoS 0, as Sparkplug asks for DATA: the broker does not wait for the store, so a connection is not
                    // held to one message per append. The phase ends when the server counted every point stored.
                    workload.DataQos = MqttQualityOfServiceLevel.AtMostOnce;
                    var (storedBefore, duplicatesBefore) = (counters.Snapshot().Stored, counters.Snapshot().Duplicate);
                    var qos0 = await check.RunAsync($"{workload.Name} QoS 0 saturation", births, () => RunPhaseAsync("Threadline saturation at QoS 0", port, workload, opts, rate: null,
                        delivered: () => WaitStoredAsync(counters, storedBefore + duplicatesBefore + births + opts.Messages / options.Publishers * options.Publishers * workload.PointsPerMessage)));
                    workload.DataQos = MqttQualityOfServiceLevel.AtLeastOnce;
                    rows.Add($"| Threadline → {store.InnerName}, {workload.Name}, QoS 0 (until the server counted every point stored) | {qos0.MessageRate:N0} | {qos0.PointRate:N0} | – | – | – | {Twins(qos0)} |");
                    if (options.Store == "memory")
                    {
                        // The pipeline without MQTT: what the broker costs, and what the pipeline alone can do on this machine.
                        var direct = await check.RunAsync($"{workload.Name} direct", births, () => RunDirectAsync(app.Services.GetRequiredService<IngestionRouter>(), workload, opts, AllStored(opts)));
                        rows.Add($"| IngestionRouter called directly (no MQTT; one message at a time per publisher, as the broker does) → {store.InnerName} | {direct.MessageRate:N0} | {direct.PointRate:N0} | – | – | – | {Twins(direct)} |");
                    }
                }
                finally
                {
                    await app.StopAsync();
                    await app.DisposeAsync();
                }
                if (File.Exists(options.Mosquitto))
                {
                    var workload = kind == "json" ? (Workload)new JsonWorkload(jsonTopicsAssets, Site) : sparkplug;
                    var ceiling = await RunMosquittoCeilingAsync(options with { Messages = messages }, workload);
                    rows.Add($"| Mosquitto → one plain MQTTnet subscriber, same messages, no processing (ceiling) | {ceiling.MessageRate:N0} | {ceiling.PointRate:N0} | – | – | – | – |");
                }
                else
                {
                    Console.WriteLine($"No Mosquitto at {options.Mosquitto}: ceiling not measured.");
                }
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try
                {
                    Directory.Delete(data, recursive: true);
                }
                catch (IOException)
                {
                    // A leftover temp folder does not change the figures.
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Load average at the end: {LoadAverage()}");
        Console.WriteLine("| Path | Messages/s at saturation | Points/s at saturation | p50 publish-to-stored | p99 publish-to-stored | publish-to-PUBACK p50 / p99 at half rate | Twin readings applied/s (dropped) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        rows.ForEach(Console.WriteLine);
        foreach (var failure in failures)
        {
            Console.Error.WriteLine("CHECK FAILED: " + failure);
        }
        return failures.Count == 0 ? 0 : 1;
    }

    private static async Task<WebApplication> StartServerAsync(string data, string store, Dictionary<string, string?> settings)
    {
        var builder = ServerHost.CreateBuilder(new Dictionary<string, string?>(settings.Where(s => s.Value is not null))
        {
            ["DataDirectory"] = data,
            ["Urls"] = "http://127.0.0.1:0",
            ["Mqtt:Port"] = "0",
            // The benchmark's publishers are the server's own load generators, not devices: the per-client rate limit
            // would cap what is measured, and anonymous clients skip the credential check a device pays once at CONNECT.
            ["Mqtt:AllowAnonymous"] = "true",
            ["Mqtt:PublishRatePerSecond"] = "0",
            ["Uns:Prefix"] = Prefix,
            // A bench server has no users yet; it needs an admin to start, and nobody logs in.
            ["Security:BootstrapAdminPassword"] = "bench-admin-" + Guid.NewGuid().ToString("N"),
            ["Logging:Format"] = "text",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // The store the server registers (DuckDB by default), wrapped to record the batches the pipeline hands it;
        // --store memory swaps in an in-memory set to see the pipeline alone.
        builder.Services.AddSingleton<ITelemetryStore>(sp => new MeasuredStore(store == "memory"
            ? new InMemoryBenchStore()
            : TelemetryRegistration.CreateStore(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value, sp.GetRequiredService<IOptions<HostingPaths>>().Value.DataDirectory)));
        var app = ServerHost.Build(builder);
        await ServerHost.StartAsync(app);
        return app;
    }

    /// <summary>
    /// The demo pump family, one asset per JSON publisher (IoT device id bench-dev-{p}) and one per Sparkplug device
    /// (IoT device id {group}/{edge node}/{device}), registered as the API does; revision D is in effect on the ship date.
    /// </summary>
    private static async Task<(List<string> Json, List<string> Sparkplug)> RegisterAssetsAsync(IServiceProvider services, IngestBenchmarkOptions options)
    {
        await DemoPumpFamily.SeedAsync(services.GetRequiredService<PlmService>(), default);
        var installedBase = services.GetRequiredService<InstalledBaseService>();
        var json = new List<string>();
        for (var p = 0; p < options.Publishers; p++)
        {
            json.Add((await installedBase.RegisterAsync(new NewAsset($"SN{80_000 + p:00000}", DemoPumpFamily.Pump, null, JsonWorkload.DeviceId(p), Site, ShipDate), default)).Id);
        }
        var sparkplug = new List<string>();
        for (var p = 0; p < options.Publishers; p++)
        {
            for (var d = 0; d < options.Devices; d++)
            {
                var serial = $"SN{90_000 + p * options.Devices + d:00000}";
                sparkplug.Add((await installedBase.RegisterAsync(new NewAsset(serial, DemoPumpFamily.Pump, null, SparkplugWorkload.IotDeviceId(p, d), Site, ShipDate), default)).Id);
            }
        }
        return (json, sparkplug);
    }

    internal sealed record PhaseResult(int Messages, int Points, long Start, TimeSpan Elapsed, double P50, double P99, double StoredP50 = double.NaN, double StoredP99 = double.NaN)
    {
        public long TwinApplied { get; init; }

        public long TwinDropped { get; init; }

        public double MessageRate => Messages / Elapsed.TotalSeconds;

        public double PointRate => Points / Elapsed.TotalSeconds;
    }

    private static long _indexOffset;

    /// <summary>
    /// Each publisher connects, sends its births (untimed, each acknowledged), then <c>Messages</c> / publishers data
    /// messages at QoS 1 with up to <c>Window</c> unacknowledged. The embedded broker acknowledges only after the store
    /// returned, so publish → PUBACK is publish-to-stored. With <paramref name="rate"/>, messages are paced to that
    /// total rate. With <paramref name="delivered"/>, the phase ends when it completes (a subscriber got everything).
    /// </summary>
    private static async Task<PhaseResult> RunPhaseAsync(string name, int port, Workload workload, IngestBenchmarkOptions options, double? rate,
        string topicRoot = "", Func<Task>? delivered = null, MeasuredStore? stored = null)
    {
        var storedAt = new System.Collections.Concurrent.ConcurrentDictionary<(string Source, long Ticks), long>();
        if (stored is not null)
        {
            stored.StoredAt = storedAt;
        }
        var clients = await ConnectAsync(port, options.Publishers, "pub");
        try
        {
            var perPublisher = options.Messages / options.Publishers;
            // One index for the births, then one per data message: unique timestamps per series over the whole run.
            var first = Interlocked.Add(ref _indexOffset, perPublisher + 1) - perPublisher;
            await Task.WhenAll(clients.Select(async (client, p) =>
            {
                foreach (var birth in workload.Open(p, first - 1, topicRoot))
                {
                    var ack = await client.PublishAsync(birth);
                    if (!ack.IsSuccess)
                    {
                        throw new InvalidOperationException($"Birth on {birth.Topic} failed: {ack.ReasonCode}");
                    }
                }
            }));
            var latencies = new long[perPublisher * options.Publishers];
            var sentAt = new long[latencies.Length];
            var interval = rate is { } r ? Stopwatch.Frequency * options.Publishers / r : 0;
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(clients.Select((client, p) => Task.Run(async () =>
            {
                using var window = new SemaphoreSlim(options.Window);
                var inFlight = new List<Task>(perPublisher);
                for (var i = 0; i < perPublisher; i++)
                {
                    if (interval > 0)
                    {
                        var due = start + (long)(i * interval);
                        while (Stopwatch.GetTimestamp() < due)
                        {
                            await Task.Delay(1);
                        }
                    }
                    await window.WaitAsync();
                    var slot = p * perPublisher + i;
                    var message = workload.Next(p, first + i, topicRoot);
                    var sent = Stopwatch.GetTimestamp();
                    sentAt[slot] = sent;
                    inFlight.Add(client.PublishAsync(message).ContinueWith(t =>
                    {
                        latencies[slot] = Stopwatch.GetTimestamp() - sent;
                        window.Release();
                        if (!t.IsCompletedSuccessfully || !t.Result.IsSuccess)
                        {
                            throw new InvalidOperationException($"Publish failed: {t.Exception?.GetBaseException().Message ?? t.Result.ReasonCode.ToString()}");
                        }
                    }, TaskScheduler.Default));
                }
                await Task.WhenAll(inFlight);
            })));
            if (delivered is not null)
            {
                await delivered();
            }
            var elapsed = Stopwatch.GetElapsedTime(start);
            Array.Sort(latencies);
            static double Rank(long[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
            var toStored = Array.Empty<long>();
            if (stored is not null)
            {
                toStored = [.. Enumerable.Range(0, latencies.Length).Select(slot =>
                    storedAt.TryGetValue(workload.Key(slot / perPublisher, first + slot % perPublisher), out var at) ? at - sentAt[slot] : long.MaxValue)];
                Array.Sort(toStored);
                if (toStored.Length > 0 && toStored[^1] == long.MaxValue)
                {
                    throw new InvalidOperationException($"{name}: {toStored.Count(t => t == long.MaxValue)} messages have no stored time.");
                }
            }
            var result = new PhaseResult(latencies.Length, latencies.Length * workload.PointsPerMessage, start, elapsed, Rank(latencies, 0.5), Rank(latencies, 0.99),
                Rank(toStored, 0.5), Rank(toStored, 0.99));
            Console.WriteLine($"{name}: {result.Messages:N0} messages, {result.Points:N0} points in {elapsed.TotalSeconds:0.00} s = {result.MessageRate:N0} messages/s, " +
                $"{result.PointRate:N0} points/s; publish-to-ack p50 {Ms(result.P50)} p99 {Ms(result.P99)}" +
                (stored is null ? "" : $"; publish-to-stored p50 {Ms(result.StoredP50)} p99 {Ms(result.StoredP99)}") + $"; load average {LoadAverage()}");
            return result;
        }
        finally
        {
            if (stored is not null)
            {
                stored.StoredAt = null;
            }
            await DisconnectAsync(clients);
        }
    }

    private static async Task WaitStoredAsync(IngestionCounters counters, long expected)
    {
        // Polling a counter with a bound: the points are in a real store behind a real broker, and no signal says "all of them".
        var clock = Stopwatch.StartNew();
        // Duplicates count too, so a run that drops points as duplicates ends and fails its check instead of waiting.
        while (counters.Snapshot() is var now && now.Stored + now.Duplicate < expected)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Only {counters.Snapshot().Stored:N0} of {expected:N0} points stored after 5 minutes.");
            }
            await Task.Delay(2);
        }
    }

    /// <summary>
    /// The same messages handed straight to <see cref="IngestionRouter"/>, as EmbeddedBroker's publish interceptor
    /// does: per publisher one message at a time, the next only once the previous one is stored (MQTTnet awaits the
    /// interceptor before it reads the connection's next packet). Messages are built before the clock starts.
    /// </summary>
    private static async Task<PhaseResult> RunDirectAsync(IngestionRouter router, Workload workload, IngestBenchmarkOptions options, Func<Task> allStored)
    {
        var perPublisher = options.Messages / options.Publishers;
        var first = Interlocked.Add(ref _indexOffset, perPublisher + 1) - perPublisher;
        for (var p = 0; p < options.Publishers; p++)
        {
            foreach (var birth in workload.Open(p, first - 1, ""))
            {
                await (await router.AcceptAsync(birth.Topic, birth.Payload, $"direct-{p}", true, default)).Durable;
            }
        }
        var messages = Enumerable.Range(0, options.Publishers).Select(p => Enumerable.Range(0, perPublisher).Select(i => workload.Next(p, first + i, "")).ToArray()).ToArray();
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(messages.Select((mine, p) => Task.Run(async () =>
        {
            foreach (var message in mine)
            {
                await (await router.AcceptAsync(message.Topic, message.Payload, $"direct-{p}", true, default)).Durable;
            }
        })));
        await allStored();
        var elapsed = Stopwatch.GetElapsedTime(start);
        var result = new PhaseResult(perPublisher * options.Publishers, perPublisher * options.Publishers * workload.PointsPerMessage, start, elapsed, double.NaN, double.NaN);
        Console.WriteLine($"IngestionRouter directly: {result.Messages:N0} messages, {result.Points:N0} points in {elapsed.TotalSeconds:0.00} s = {result.MessageRate:N0} messages/s, " +
            $"{result.PointRate:N0} points/s; load average {LoadAverage()}");
        return result;
    }

    /// <summary>Counts stored points around each ingested phase and reports the batches the writer handed the store.</summary>
    private sealed class StoredCheck(MeasuredStore store, IngestionCounters counters, List<string> failures, TwinFeed? twins)
    {
        /// <summary>Runs a phase; afterwards the store must have stored every data and birth value once, and nothing else happened to them.</summary>
        public async Task<PhaseResult> RunAsync(string phase, int birthPoints, Func<Task<PhaseResult>> run)
        {
            store.Take();
            var before = counters.Snapshot();
            var twinsBefore = twins?.Counts() ?? default;
            var result = await run();
            var after = counters.Snapshot();
            if (twins is not null)
            {
                var twinsAfter = twins.Counts();
                result = result with { TwinApplied = twinsAfter.Applied - twinsBefore.Applied, TwinDropped = twinsAfter.Dropped - twinsBefore.Dropped };
                Console.WriteLine($"  twins: {result.TwinApplied:N0} readings applied ({result.TwinApplied / result.Elapsed.TotalSeconds:N0}/s over the phase), {result.TwinDropped:N0} dropped as too late");
            }
            var appends = store.Take();
            var stored = after.Stored - before.Stored;
            var duplicates = after.Duplicate - before.Duplicate;
            var dead = after.DeadLettered.Values.Sum() - before.DeadLettered.Values.Sum();
            var quarantined = after.Quarantined - before.Quarantined;
            var expected = result.Points + birthPoints;
            Console.WriteLine($"  {phase}: stored {stored:N0} of {expected:N0} expected ({result.Points:N0} data + {birthPoints:N0} birth values), duplicates {duplicates:N0}, " +
                $"dead-lettered {dead:N0}, quarantined {quarantined:N0}, limit crossings {after.LimitCrossings - before.LimitCrossings:N0}");
            if (stored != expected || duplicates != 0 || dead != 0 || quarantined != 0 || after.StoreFailures != before.StoreFailures)
            {
                failures.Add($"{phase}: {stored:N0} stored of {expected:N0} expected, {duplicates:N0} duplicates, {dead:N0} dead-lettered, {quarantined:N0} quarantined.");
            }
            Describe([.. appends.Where(a => a.Start >= result.Start)], result.Elapsed);
            return result;
        }

        private static void Describe(IReadOnlyList<(int Points, long Start, long Ticks)> appends, TimeSpan elapsed)
        {
            if (appends.Count == 0)
            {
                return;
            }
            var sizes = appends.Select(a => a.Points).Order().ToArray();
            var busy = appends.Sum(a => a.Ticks) / (double)Stopwatch.Frequency;
            var perAppend = appends.Select(a => a.Ticks * 1000.0 / Stopwatch.Frequency).Order().ToArray();
            Console.WriteLine($"  store, timed part: {appends.Count:N0} AppendAsync calls, points per call median {sizes[sizes.Length / 2]:N0}, mean {sizes.Average():N0}, " +
                $"p99 {sizes[Math.Min(sizes.Length - 1, (int)(sizes.Length * 0.99))]:N0}, max {sizes[^1]:N0}; time per call median {perAppend[perAppend.Length / 2]:0.00} ms; " +
                $"inside AppendAsync {busy:0.00} s of {elapsed.TotalSeconds:0.00} s wall ({busy / elapsed.TotalSeconds:P0}); " +
                $"store rate while appending {sizes.Sum() / busy:N0} points/s");
        }

        /// <summary>Reads whole series back from the store: each must hold exactly the points sent for it, once.</summary>
        public async Task ReadBackAsync(string asset, IReadOnlyList<string> signals)
        {
            var from = Workload.Origin.AddDays(-1);
            var to = Workload.Origin.AddDays(30);
            foreach (var signal in signals)
            {
                var points = await store.ReadRawAsync(asset, signal, from, to, default);
                var distinct = points.Select(p => p.Timestamp).Distinct().Count();
                Console.WriteLine($"Read back {asset}/{signal}: {points.Count:N0} points, {distinct:N0} distinct timestamps.");
                if (distinct != points.Count)
                {
                    failures.Add($"{asset}/{signal} holds {points.Count - distinct} points twice.");
                }
            }
        }
    }

    private static async Task<PhaseResult> RunMosquittoCeilingAsync(IngestBenchmarkOptions options, Workload workload)
    {
        var folder = Directory.CreateTempSubdirectory("threadline-bench-mosquitto-").FullName;
        var port = FreePort();
        var config = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            user {Environment.UserName}
            max_queued_messages 10000000
            max_inflight_messages 0
            """);
        using var process = Process.Start(new ProcessStartInfo(options.Mosquitto, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            await WaitForPortAsync(port);
            var total = options.Messages / options.Publishers * options.Publishers;
            var received = 0;
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var subscriber = (await ConnectAsync(port, 1, "sub"))[0];
            subscriber.ApplicationMessageReceivedAsync += e =>
            {
                if (workload.IsData(e.ApplicationMessage.Topic) && Interlocked.Increment(ref received) == total)
                {
                    all.TrySetResult();
                }
                return Task.CompletedTask;
            };
            await subscriber.SubscribeAsync(workload.SubscriptionFilter, MqttQualityOfServiceLevel.AtLeastOnce);
            var result = await RunPhaseAsync($"Mosquitto ({workload.Name}), publish to delivery", port, workload, options, rate: null,
                delivered: () => all.Task.WaitAsync(TimeSpan.FromMinutes(5)));
            await DisconnectAsync([subscriber]);
            return result;
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IMqttClient[]> ConnectAsync(int port, int count, string prefix)
    {
        var factory = new MqttClientFactory();
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var client = factory.CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
                .WithClientId($"{prefix}-{i}-{Guid.NewGuid():N}").WithProtocolVersion(MqttProtocolVersion.V500).Build());
            return client;
        }));
    }

    private static async Task DisconnectAsync(IEnumerable<IMqttClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }
    }

    private static string Twins(PhaseResult phase) => phase.TwinApplied + phase.TwinDropped == 0 ? "–"
        : $"{phase.TwinApplied / phase.Elapsed.TotalSeconds:N0} ({phase.TwinDropped:N0})";

    private static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"Mosquitto did not listen on {port}.");
    }
}
