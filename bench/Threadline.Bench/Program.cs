using System.CommandLine;
using Threadline.Bench.Assets;
using Threadline.Bench.Bom;
using Threadline.Bench.Ingest;
using Threadline.Bench.TimeSeries;
using Threadline.Bench.Twins;

// One verb per benchmark; figures go to docs/benchmarks.md with the command that produced them.
// Usage: dotnet run -c Release --project bench/Threadline.Bench -- VERB [options]   (VERB --help lists them)
var root = new RootCommand("Threadline benchmarks.");
root.Subcommands.Add(BomVerb());
root.Subcommands.Add(AssetsVerb());
root.Subcommands.Add(TimeSeriesVerb());
root.Subcommands.Add(IngestVerb());
root.Subcommands.Add(TwinsVerb());
return await root.Parse(args).InvokeAsync();

static Option<int> Count(string name, int defaultValue, string description)
{
    var option = new Option<int>(name) { Description = $"{description} (default {defaultValue:N0})", DefaultValueFactory = _ => defaultValue };
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int>() < 1)
        {
            result.AddError($"{name} must be at least 1.");
        }
    });
    return option;
}

static Option<string?> Postgres(string without) => new("--postgres")
{
    Description = "Npgsql connection string of a server where a scratch database may be created and dropped " +
        $"(default: environment variable THREADLINE_BENCH_POSTGRES; without either, {without} only)",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("THREADLINE_BENCH_POSTGRES") is { Length: > 0 } value ? value : null,
};

static Command BomVerb()
{
    var iterations = Count("--iterations", 2_000, "timed in-memory resolutions");
    var sqlIterations = Count("--sql-iterations", 100, "timed recursive SQL queries per engine");
    var postgres = Postgres("SQLite");
    var command = new Command("bom", "Multi-level BOM resolution: in memory against recursive SQL.") { iterations, sqlIterations, postgres };
    command.SetAction(result => BomBenchmark.RunAsync(new BomBenchmarkOptions(result.GetValue(iterations), result.GetValue(sqlIterations), result.GetValue(postgres))));
    return command;
}

static Command AssetsVerb()
{
    var assets = Count("--assets", 100_000, "generated pumps with service histories");
    var iterations = Count("--iterations", 2_000, "timed configuration questions per engine");
    var postgres = Postgres("SQLite");
    var command = new Command("assets", "The configuration of an asset on a date, on a generated fleet.") { assets, iterations, postgres };
    command.SetAction(result => AssetConfigurationBenchmark.RunAsync(new AssetBenchmarkOptions(result.GetValue(assets), result.GetValue(iterations), result.GetValue(postgres))));
    return command;
}

static Command TimeSeriesVerb()
{
    var batches = Count("--batches", 1_440, "appended batches (one plant day at one point per series per minute)");
    var batchSize = Count("--batch-size", 1_000, "points per batch");
    var writers = Count("--writers", 1, "concurrent appenders");
    var queryIterations = Count("--query-iterations", 200, "timed 1-day rollup reads per step");
    var interval = Count("--interval-seconds", 60, "plant time between two points of a series");
    var postgres = Postgres("DuckDB");
    var command = new Command("timeseries", "Time-series store: append throughput and rollup read latency.") { batches, batchSize, writers, queryIterations, interval, postgres };
    command.SetAction(result => TimeSeriesBenchmark.RunAsync(new TimeSeriesBenchmarkOptions(result.GetValue(batches), result.GetValue(batchSize),
        result.GetValue(writers), result.GetValue(queryIterations), result.GetValue(interval), result.GetValue(postgres))));
    return command;
}

static Command IngestVerb()
{
    var publishers = Count("--publishers", 32, "MQTT publisher connections on loopback (Sparkplug: one edge node each)");
    var window = Count("--window", 16, "unacknowledged QoS 1 publishes per connection");
    var messages = Count("--messages", 20_000, "single-point JSON messages per saturation run");
    var sparkplugMessages = Count("--sparkplug-messages", 20_000, "Sparkplug DDATA messages per saturation run");
    var devices = Count("--devices", 4, "Sparkplug devices per edge node, each registered as an asset");
    var metrics = Count("--metrics", 20, "metrics per Sparkplug DDATA");
    var latencySeconds = new Option<double>("--latency-seconds") { Description = "length of the half-rate latency run (default 10)", DefaultValueFactory = _ => 10 };
    var mosquitto = new Option<string>("--mosquitto") { Description = "Mosquitto binary for the ceiling run (default /usr/sbin/mosquitto)", DefaultValueFactory = _ => "/usr/sbin/mosquitto" };
    var store = new Option<string>("--store") { Description = "registered: the ITelemetryStore the server registers (DuckDB by default); memory: an in-memory set, the pipeline alone (default registered)", DefaultValueFactory = _ => "registered" };
    store.AcceptOnlyFromAmong("registered", "memory");
    var sparkplugDedup = new Option<int?>("--sparkplug-dedup-window")
    {
        Description = "Ingestion:DedupWindow for the Sparkplug server (default 0: off, since the pipeline takes the Sparkplug message seq, shared by a message's metrics and wrapping at 256, for a retransmission); " +
            "give 4096 to measure the server's default",
        DefaultValueFactory = _ => 0,
    };
    var set = new Option<string[]>("--set")
    {
        Description = "a server setting Key=Value, repeatable (e.g. --set Ingestion:AcknowledgeAfter=Store --set Twins:Enabled=false)",
        DefaultValueFactory = _ => [],
    };
    var command = new Command("ingest", "Publishers → broker → pipeline → store (and twins), JSON and Sparkplug B, against the Mosquitto ceiling.")
    {
        publishers, window, messages, sparkplugMessages, devices, metrics, latencySeconds, mosquitto, store, sparkplugDedup, set,
    };
    command.SetAction(result => IngestBenchmark.RunAsync(new IngestBenchmarkOptions(result.GetValue(publishers), result.GetValue(window),
        result.GetValue(messages), result.GetValue(sparkplugMessages), result.GetValue(devices), result.GetValue(metrics),
        result.GetValue(latencySeconds), result.GetValue(mosquitto)!, result.GetValue(store)!, result.GetValue(sparkplugDedup),
        result.GetValue(set)!.Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)(kv.Length > 1 ? kv[1] : "")))));
    return command;
}

static Command TwinsVerb()
{
    var twins = Count("--twins", 100_000, "generated pumps, each activated as a twin");
    var rounds = Count("--rounds", 3, "timed rounds in which every twin gets one reading set (at most 50)");
    var concurrency = Count("--concurrency", 256, "grain calls in flight");
    var persist = Count("--persist-interval-seconds", 30, "Twins:PersistIntervalSeconds of the server");
    var noFeed = new Option<bool>("--no-feed") { Description = "skip the two rounds through TwinFeed.Observe → DrainedAsync" };
    var resume = new Option<bool>("--resume")
    {
        Description = "after the stop check, start the server again twice on the same data: every twin resumed from its state, then again with one more reading set in the telemetry store for each to catch up on",
    };
    var command = new Command("twins", "Active twins in the server's silo: heap per twin and readings applied per second.") { twins, rounds, concurrency, persist, noFeed, resume };
    command.SetAction(result => TwinsBenchmark.RunAsync(new TwinsBenchmarkOptions(result.GetValue(twins), result.GetValue(rounds),
        result.GetValue(concurrency), result.GetValue(persist), !result.GetValue(noFeed), result.GetValue(resume))));
    return command;
}
