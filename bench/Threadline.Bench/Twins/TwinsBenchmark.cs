using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Features.Telemetry;
using Threadline.Features.Twins;
using Threadline.Hosting;
using Threadline.Storage;
using Threadline.Telemetry;
using Threadline.Twins;

namespace Threadline.Bench.Twins;

internal sealed record TwinsBenchmarkOptions(int Twins, int Rounds, int Concurrency, int PersistIntervalSeconds, bool Feed, bool Resume);

/// <summary>
/// 100,000 active twins in the real server (its Orleans silo, installed base, PLM and twin store on SQLite): the
/// managed heap they hold, and readings applied per second when every twin gets one reading set (10 signals, one grain
/// call) per round. Before the grains, the same twins' states alone (one shared model) and one model per twin are
/// measured in the same process, to tell the domain's share from the runtime's.
/// </summary>
internal static class TwinsBenchmark
{
    private static readonly DateTimeOffset FirstShipment = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    // All rounds fall within one hour of source time, so no twin opens a new snapshot period during the timed rounds;
    // the hour is the current one, so that the resume's catch-up (Twins:CatchUpHours) finds them on any day.
    private static readonly DateTimeOffset FirstReading = new(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero);

    public static async Task<int> RunAsync(TwinsBenchmarkOptions options)
    {
        if (options.Rounds > 50)
        {
            Console.Error.WriteLine("--rounds must be at most 50 (one minute of source time each, within one snapshot hour).");
            return 2;
        }
        var data = Directory.CreateTempSubdirectory("threadline-bench-twins-").FullName;
        Console.WriteLine($"Load average at the start: {LoadAverage()}");
        try
        {
            var app = await StartServerAsync(data, options);
            Run run;
            try
            {
                run = await RunOnAsync(app.Services, options);
            }
            finally
            {
                var stopping = Stopwatch.StartNew();
                var writer = app.Services.GetRequiredService<TwinStateWriter>();
                await app.StopAsync();
                Console.WriteLine($"Server stopped in {stopping.Elapsed.TotalSeconds:0.0} s; the twin state writer wrote {writer.Written:N0} twin states in all, {writer.Backlog:N0} left unwritten.");
                await app.DisposeAsync();
            }
            if (run.Code != 0)
            {
                return run.Code;
            }
            var code = await CheckStoredAsync(data, run);
            return code != 0 || !options.Resume ? code : await ResumeAsync(data, run, options);
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
            Console.WriteLine($"Load average at the end: {LoadAverage()}");
        }
    }

    /// <summary>
    /// Restarts on the same data twice and activates every twin: first with the telemetry store holding each twin's
    /// last reading set, which its state has seen (a clean restart), then with one more reading set per twin appended
    /// to the store while the server was down, as a crashed server leaves the readings its twins had not written.
    /// Each twin must show the newest set.
    /// </summary>
    private static async Task<int> ResumeAsync(string data, Run run, TwinsBenchmarkOptions options)
    {
        await AppendToStoreAsync(data, run, run.LastRound);
        if (await ResumeOnceAsync(data, run, options, "clean restart, the store holds what the states have seen", expectedRound: run.LastRound) != 0)
        {
            return 1;
        }
        await AppendToStoreAsync(data, run, run.LastRound + 1);
        return await ResumeOnceAsync(data, run, options, "after a crash, one reading set per twin to catch up on", expectedRound: run.LastRound + 1);
    }

    private static async Task AppendToStoreAsync(string data, Run run, int round)
    {
        var store = TelemetryRegistration.CreateStore(new TelemetryOptions(), data);
        await store.InitialiseAsync(default);
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < run.Ids.Length; start += 5_000)
        {
            var points = Enumerable.Range(start, Math.Min(5_000, run.Ids.Length - start))
                .SelectMany(i => Readings(i, round).Select(r => r.ToPoint(run.Ids[i]))).ToList();
            await store.AppendAsync(points, default);
        }
        (store as IDisposable)?.Dispose();
        Console.WriteLine($"Appended reading set {round} of every twin to the telemetry store ({run.Ids.Length * Signals.Length:N0} points) in {clock.Elapsed.TotalSeconds:0.0} s.");
    }

    private static async Task<int> ResumeOnceAsync(string data, Run run, TwinsBenchmarkOptions options, string what, int expectedRound)
    {
        var app = await StartServerAsync(data, options);
        try
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var behind = 0;
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, run.Ids.Length), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
                async (i, _) =>
                {
                    var view = System.Text.Json.JsonDocument.Parse(await grains.GetGrain<ITwinGrain>(run.Ids[i]).ViewAsync() ?? "{}").RootElement;
                    var expected = Readings(i, expectedRound).Single(r => r.Signal == "bearing_vibration_x").Value;
                    if (!view.TryGetProperty("state", out var state) || state.GetProperty("bearing_vibration_x").GetDouble() != expected)
                    {
                        Interlocked.Increment(ref behind);
                    }
                });
            var elapsed = clock.Elapsed;
            Console.WriteLine($"Resume ({what}): {run.Ids.Length:N0} twins activated in {elapsed.TotalSeconds:0.0} s, {run.Ids.Length / elapsed.TotalSeconds:N0} twins/s; " +
                $"{run.Ids.Length - behind:N0} show reading set {expectedRound}, {behind:N0} do not.");
            if (behind > 0)
            {
                Console.Error.WriteLine($"CHECK FAILED: {behind:N0} twins did not resume at reading set {expectedRound}.");
                return 1;
            }
            return 0;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<WebApplication> StartServerAsync(string data, TwinsBenchmarkOptions options)
    {
        var builder = ServerHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["DataDirectory"] = data,
            ["Urls"] = "http://127.0.0.1:0",
            ["Mqtt:Port"] = "0",
            ["Twins:Enabled"] = "true",
            // A bench server has no users yet; it needs an admin to start, and nobody logs in.
            ["Security:BootstrapAdminPassword"] = "bench-admin-" + Guid.NewGuid().ToString("N"),
            ["Twins:SiloPort"] = "0",
            ["Twins:GatewayPort"] = "0",
            ["Twins:PersistIntervalSeconds"] = options.PersistIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            ["Logging:Format"] = "text",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // A live fleet calls its twins every few seconds; here activating 100,000 takes longer than Orleans' default
        // 15 min idle age, and the first twins must still be active when the heap is measured.
        builder.Services.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(3));
        var app = ServerHost.Build(builder);
        await ServerHost.StartAsync(app);
        return app;
    }

    /// <summary>What a run leaves for the shutdown check: the twins and the round of the last reading set each was given.</summary>
    private sealed record Run(int Code, string[] Ids, int LastRound);

    /// <summary>
    /// After the server stopped (every twin held readings not yet written, unless the persist interval passed), each
    /// twin's stored state must hold the vibration of its last reading set.
    /// </summary>
    private static async Task<int> CheckStoredAsync(string data, Run run)
    {
        var store = new TwinStore(new ThreadlineDb(Microsoft.Extensions.Options.Options.Create(new StorageOptions()),
            Microsoft.Extensions.Options.Options.Create(new HostingPaths { DataDirectory = data })));
        var lost = 0;
        for (var i = 0; i < run.Ids.Length; i++)
        {
            var expected = Readings(i, run.LastRound).Single(r => r.Signal == "bearing_vibration_x").Value;
            var state = await store.LoadAsync(run.Ids[i], default);
            if (state?.Signals.Single(s => s.Signal == "bearing_vibration_x").Value != expected)
            {
                lost++;
            }
        }
        Console.WriteLine($"Shutdown check: {run.Ids.Length - lost:N0} of {run.Ids.Length:N0} twins stored with their last reading set; {lost:N0} lost.");
        if (lost > 0)
        {
            Console.Error.WriteLine($"CHECK FAILED: {lost:N0} twins lost their last readings at shutdown.");
            return 1;
        }
        return 0;
    }

    private static async Task<Run> RunOnAsync(IServiceProvider services, TwinsBenchmarkOptions options)
    {
        var plm = services.GetRequiredService<PlmService>();
        await DemoPumpFamily.SeedAsync(plm, default);
        var catalog = await plm.CatalogAsync();
        var clock = Stopwatch.StartNew();
        var assets = await GenerateAssetsAsync(services.GetRequiredService<AssetStore>(), catalog, options.Twins);
        var ids = assets.Select(a => a.Id).ToArray();
        Console.WriteLine($"Generated {ids.Length:N0} pumps ({assets.Count(a => a.Revision == "C"):N0} at revision C, {assets.Count(a => a.Revision == "D"):N0} at D) in {clock.Elapsed.TotalSeconds:0.0} s.");

        // The domain alone: the same first reading set applied to states sharing one model per revision, then one
        // model built per twin as each grain does on activation.
        var resolver = new TwinModelResolver();
        var models = new Dictionary<string, TwinModel>(StringComparer.Ordinal);
        foreach (var revision in new[] { "C", "D" })
        {
            models[revision] = resolver.ModelFor(catalog.Get(DemoPumpFamily.Pump), revision)!;
        }
        var empty = Heap();
        var states = new TwinState[ids.Length];
        var engine = Stopwatch.StartNew();
        for (var i = 0; i < ids.Length; i++)
        {
            var model = models[assets[i].Revision];
            var state = TwinState.Create(model, ids[i]);
            foreach (var reading in Readings(i, 0))
            {
                state = TwinEngine.Apply(state, model, reading.ToPoint(ids[i])).State;
            }
            states[i] = state;
        }
        engine.Stop();
        var withStates = Heap();
        var perTwinModels = new TwinModel[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            perTwinModels[i] = resolver.ModelFor(catalog, assets[i])!;
        }
        var withModels = Heap();
        GC.KeepAlive(states);
        GC.KeepAlive(perTwinModels);
        states = null!;
        perTwinModels = null!;
        assets = null!;
        var before = Heap();
        Console.WriteLine($"States alone (shared model): {Per(withStates - empty, ids.Length)} B a twin; one model per twin: {Per(withModels - withStates, ids.Length)} B a twin; " +
            $"TwinEngine.Apply alone, one thread: {ids.Length * (double)Signals.Length / engine.Elapsed.TotalSeconds:N0} readings/s.");

        var grains = services.GetRequiredService<IGrainFactory>();
        var workingSetBefore = WorkingSet();
        clock.Restart();
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Length), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
            async (i, _) => await CallAsync(grains, ids[i], Readings(i, 0)));
        var activation = clock.Elapsed;
        Console.WriteLine($"Calls timed out so far (Orleans' 30 s response timeout): {_timeouts:N0}.");
        var active = await ActiveTwinsAsync(grains);
        var after = Heap();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var workingSetAfter = WorkingSet();
        Console.WriteLine($"Activated {active:N0} twins (first reading set each) in {activation.TotalSeconds:0.0} s: {ids.Length / activation.TotalSeconds:N0} twins/s.");
        Console.WriteLine($"Managed heap: {Mb(before)} MB before, {Mb(after)} MB after: {Per(after - before, ids.Length)} B a twin.");
        Console.WriteLine($"GC heap size {Mb(info.HeapSizeBytes)} MB, committed {Mb(info.TotalCommittedBytes)} MB; working set {Mb(workingSetBefore)} MB before, {Mb(workingSetAfter)} MB after ({Per(workingSetAfter - workingSetBefore, ids.Length)} B a twin).");

        // Saturation: every twin gets its next reading set (10 signals, one call), as many calls in flight as --concurrency.
        var rates = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var r = round;
            clock.Restart();
            await Parallel.ForEachAsync(Enumerable.Range(0, ids.Length), new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency },
                async (i, _) => await CallAsync(grains, ids[i], Readings(i, r)));
            var rate = ids.Length * (double)Signals.Length / clock.Elapsed.TotalSeconds;
            rates.Add(rate);
            Console.WriteLine($"Round {round} (grain calls): {clock.Elapsed.TotalSeconds:0.0} s, {rate:N0} readings/s, {ids.Length / clock.Elapsed.TotalSeconds:N0} twin updates/s.");
        }
        Console.WriteLine($"Calls timed out so far: {_timeouts:N0}.");
        var afterRounds = Heap();
        Console.WriteLine($"Managed heap after {options.Rounds} rounds: {Mb(afterRounds)} MB: {Per(afterRounds - before, ids.Length)} B a twin; working set {Mb(WorkingSet())} MB; {await ActiveTwinsAsync(grains):N0} twins active.");

        if (options.Feed)
        {
            // The ingestion side: TwinFeed.Observe for every point, as the pipeline hands them over, in chunks below the
            // feed's capacity so none is dropped, then DrainedAsync.
            var feed = services.GetRequiredService<TwinFeed>();
            var chunk = TwinFeed.Capacity / 2 / Signals.Length;
            for (var round = options.Rounds + 1; round <= options.Rounds + 2; round++)
            {
                clock.Restart();
                for (var start = 0; start < ids.Length; start += chunk)
                {
                    for (var i = start; i < Math.Min(ids.Length, start + chunk); i++)
                    {
                        var binding = new AssetBinding(ids[i], "", DemoPumpFamily.Pump, "", null, null, false, []);
                        foreach (var reading in Readings(i, round))
                        {
                            feed.Observe(binding, reading.ToPoint(ids[i]));
                        }
                    }
                    await feed.DrainedAsync();
                }
                var rate = ids.Length * (double)Signals.Length / clock.Elapsed.TotalSeconds;
                Console.WriteLine($"Round {round} (TwinFeed.Observe → DrainedAsync): {clock.Elapsed.TotalSeconds:0.0} s, {rate:N0} readings/s, {ids.Length / clock.Elapsed.TotalSeconds:N0} twin updates/s.");
            }
        }

        var check = await grains.GetGrain<ITwinGrain>(ids[^1]).ViewAsync();
        if (check is null || !check.Contains("\"bearing_vibration_x\"", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("CHECK FAILED: the last twin has no vibration reading: " + check);
            return new Run(1, ids, 0);
        }
        Console.WriteLine($"| Twins | Activation (twins/s) | Managed heap per twin | Working set per twin | Readings/s (grain calls, median of {options.Rounds} rounds) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {ids.Length:N0} | {ids.Length / activation.TotalSeconds:N0} | {Per(after - before, ids.Length)} B | {Per(workingSetAfter - workingSetBefore, ids.Length)} B | {Median(rates):N0} |");
        return new Run(0, ids, options.Feed ? options.Rounds + 2 : options.Rounds);
    }

    private static readonly (string Signal, string Unit, double Value, double Noise)[] Signals =
    [
        ("speed", "rpm", 1475, 3), ("flow", "m³/h", 45, 1.5), ("suction_pressure", "bar", 1.2, 0.02), ("discharge_pressure", "bar", 4.3, 0.05),
        ("motor_current", "A", 19.5, 0.3), ("bearing_temperature", "°C", 55, 0.5), ("inlet_pressure_margin", "m", 2.5, 0.05),
        ("seal_leakage", "mL/h", 0.5, 0.05), ("seal_temperature", "°C", 40, 0.4), ("bearing_vibration_x", "mm/s", 1.2, 0.08),
    ];

    /// <summary>Twin <paramref name="twin"/>'s reading set of round <paramref name="round"/>: every signal once, a minute after the last set, with a little noise.</summary>
    private static TwinReading[] Readings(int twin, int round)
    {
        var random = new Random(twin * 97 + round);
        var at = FirstReading.AddMinutes(round);
        return [.. Signals.Select(s => new TwinReading(s.Signal, at, s.Value + s.Noise * (random.NextDouble() * 2 - 1), s.Unit, (int)TelemetryQuality.Good, "bench", false))];
    }

    private static async Task<List<Asset>> GenerateAssetsAsync(AssetStore store, Plm.PlmCatalog catalog, int count)
    {
        var families = new AssetFamilyTable([], catalog);
        var span = (Now.AddDays(-30) - FirstShipment).TotalDays;
        var all = new List<Asset>(count);
        foreach (var batch in Enumerable.Range(0, count).Chunk(5_000))
        {
            var assets = batch.Select(i => AssetRules.Register(
                new NewAsset($"SN{i + 1:000000}", DemoPumpFamily.Pump, null, null, $"acme/site-{i % 3}", FirstShipment.AddDays(span * i / count)),
                catalog, families, Now)).ToList();
            await store.InsertAsync(assets, default);
            all.AddRange(assets);
        }
        return all;
    }

    private static int _timeouts;

    /// <summary>One grain call; a timed-out call is counted rather than ending the run (its twin still applies the readings late).</summary>
    private static async Task CallAsync(IGrainFactory grains, string id, TwinReading[] readings)
    {
        try
        {
            await grains.GetGrain<ITwinGrain>(id).ApplyAsync(readings);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _timeouts);
        }
    }

    private static async Task<int> ActiveTwinsAsync(IGrainFactory grains) =>
        (await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains(nameof(TwinGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);

    private static long Heap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static long WorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static string Per(long bytes, int twins) => (bytes / (double)twins).ToString("N0", CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1_048_576.0).ToString("N0", CultureInfo.InvariantCulture);

    private static double Median(List<double> values) => values.Count == 0 ? 0 : values.Order().ElementAt(values.Count / 2);

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
