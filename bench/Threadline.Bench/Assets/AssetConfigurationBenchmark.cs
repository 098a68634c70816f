using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Hosting;
using Threadline.Storage;

namespace Threadline.Bench.Assets;

internal sealed record AssetBenchmarkOptions(int Assets, int Iterations, string? PostgresConnectionString);

/// <summary>
/// "What was unit N's configuration on date D?" on a fleet of generated pumps with service histories: the same
/// InstalledBaseService call the API makes (read the unit's records, resolve its design, apply its history), at
/// random units and dates. Prints median and p99 per storage engine.
/// </summary>
internal static class AssetConfigurationBenchmark
{
    private static readonly DateTimeOffset FirstShipment = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(AssetBenchmarkOptions options)
    {
        var data = Directory.CreateTempSubdirectory("threadline-bench-assets-").FullName;
        try
        {
            await RunOnAsync("SQLite", new Dictionary<string, string?> { ["DataDirectory"] = data }, options);
            if (options.PostgresConnectionString is { } server)
            {
                var (database, connection) = await ScratchPostgres.CreateAsync(server);
                try
                {
                    await RunOnAsync("PostgreSQL", new Dictionary<string, string?>
                    {
                        ["DataDirectory"] = data, ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = connection,
                    }, options);
                }
                finally
                {
                    await ScratchPostgres.DropAsync(server, database);
                }
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
        return 0;
    }

    private static async Task RunOnAsync(string engine, Dictionary<string, string?> flags, AssetBenchmarkOptions options)
    {
        await using var services = await ToolServices.StartAsync(flags, default);
        var plm = services.GetRequiredService<PlmService>();
        await DemoPumpFamily.SeedAsync(plm, default);
        var catalog = await plm.CatalogAsync();
        var families = new AssetFamilyTable([], catalog);
        var db = services.GetRequiredService<ThreadlineDb>();
        var random = new Random(100_000);

        var clock = Stopwatch.StartNew();
        var span = (Now.AddDays(-30) - FirstShipment).TotalDays;
        var events = 0;
        foreach (var batch in Enumerable.Range(0, options.Assets).Chunk(5_000))
        {
            var assets = batch.Select(i => AssetRules.Register(
                new NewAsset($"SN{i + 1:000000}", DemoPumpFamily.Pump, null, null, $"acme/site-{i % 3}", FirstShipment.AddDays(span * i / options.Assets)),
                catalog, families, Now)).ToList();
            await using var context = db.CreateContext();
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            context.Assets.AddRange(assets.Select(a => new AssetRow
            {
                Id = a.Id, Family = a.Family, Serial = a.Serial.Value, SerialKey = a.Serial.Key, Item = a.Item, Revision = a.Revision,
                Site = a.Site?.Value, ShipDate = a.ShipDate, RegisteredAt = a.RegisteredAt,
            }));
            foreach (var asset in assets)
            {
                var designed = AssetConfigurations.Designed(catalog, asset);
                var position = 0;
                foreach (var node in Flatten(designed.Lines, ""))
                {
                    context.AsBuilt.Add(new AsBuiltRow { AssetId = asset.Id, Position = position++, FindNumberPath = node.Path, Item = node.Line.Item, Revision = node.Line.Revision ?? "A", Serial = $"{node.Line.Item}-{asset.Serial.Number}" });
                }
                // Zero to six service events a unit, half of them replacements, spread over its time in service.
                var count = random.Next(7);
                for (var e = 0; e < count; e++)
                {
                    var at = asset.BuildDate.AddDays(random.NextDouble() * (Now - asset.BuildDate).TotalDays);
                    var replacement = e % 2 == 0;
                    var (component, part) = random.Next(3) switch { 0 => ("40", "20-4310"), 1 => ("20/10", "40-6310-C3"), _ => ("20/40", "40-4100") };
                    context.ServiceEvents.Add(new ServiceEventRow
                    {
                        AssetId = asset.Id, Kind = replacement ? "Replacement" : "Inspection", Component = component,
                        InstalledItem = replacement ? part : null, InstalledRevision = replacement ? "A" : null, InstalledSerial = replacement ? $"R-{e}" : null,
                        Technician = "bench", At = at, RecordedAt = at, OperatingHours = (at - asset.BuildDate).TotalDays * 20,
                    });
                    events++;
                }
            }
            await context.SaveChangesAsync();
        }
        Console.WriteLine($"{engine}: generated {options.Assets:N0} pumps, {events:N0} service events and their as-built records in {clock.Elapsed.TotalSeconds:0.0} s.");

        var installedBase = services.GetRequiredService<InstalledBaseService>();
        var picks = Enumerable.Range(0, options.Iterations + 100).Select(_ =>
        {
            var i = random.Next(options.Assets);
            var shipped = FirstShipment.AddDays(span * i / options.Assets);
            return ($"SN{i + 1:000000}", shipped.AddDays(random.NextDouble() * (Now - shipped).TotalDays));
        }).ToArray();
        var ids = new Dictionary<string, string>();
        foreach (var (serial, _) in picks)
        {
            ids[serial] = (await services.GetRequiredService<AssetStore>().FindBySerialAsync(DemoPumpFamily.Pump, Plm.SerialNumber.Parse(serial), default))!.Id;
        }
        var nodes = 0;
        var latency = await Latency.MeasureAsync("configuration on a date", 100, options.Iterations, async i =>
        {
            var (serial, at) = picks[i % picks.Length];
            var configuration = await installedBase.ConfigurationAsync(ids[serial], at, default);
            nodes += configuration.AllNodes().Count();
        });
        Console.WriteLine($"{engine}: {latency.Calls} calls, median {Latency.Format(latency.MedianMs)} ms, p99 {Latency.Format(latency.P99Ms)} ms, " +
            $"mean {Latency.Format(latency.MeanMs)} ms, max {Latency.Format(latency.MaxMs)} ms ({nodes / Math.Max(1, latency.Calls + 100)} positions a unit).");

        // Fleet-wide reads, as the service-BOM accuracy report makes them: every unit's history, one unit at a time (the
        // report's way before) and by chunks of 500 units (AssetStore.HistoriesAsync), then the report itself.
        var store = services.GetRequiredService<AssetStore>();
        var fleet = await store.ListAsync(null, null, null, default);
        clock.Restart();
        var oneByOne = 0;
        foreach (var asset in fleet)
        {
            oneByOne += (await store.HistoryAsync(asset.Id, default))!.Value.Events.Count;
        }
        var perUnit = clock.Elapsed;
        clock.Restart();
        var chunked = 0;
        await foreach (var history in store.HistoriesAsync(fleet, default))
        {
            chunked += history.Events.Count;
        }
        var byChunk = clock.Elapsed;
        clock.Restart();
        var report = await installedBase.ServiceBomAccuracyAsync(null, null, default);
        Console.WriteLine($"{engine}: histories of all {fleet.Count:N0} units: one unit at a time {perUnit.TotalSeconds:0.00} s ({oneByOne:N0} events), " +
            $"by chunks of 500 {byChunk.TotalSeconds:0.00} s ({chunked:N0} events); service-BOM accuracy report {clock.Elapsed.TotalSeconds:0.00} s " +
            $"({report.Positions:N0} positions, {report.Accuracy:P1}).");
    }

    private static IEnumerable<(string Path, Plm.ResolvedBomLine Line)> Flatten(IReadOnlyList<Plm.ResolvedBomLine> lines, string parent)
    {
        foreach (var line in lines)
        {
            var path = parent.Length == 0 ? line.FindNumber : $"{parent}/{line.FindNumber}";
            yield return (path, line);
            foreach (var child in Flatten(line.Lines, path))
            {
                yield return child;
            }
        }
    }
}
