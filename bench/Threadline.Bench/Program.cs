using System.Globalization;
using Threadline.Bench.Assets;
using Threadline.Bench.Bom;
using Threadline.Bench.Ingest;

// A small command line on purpose: each benchmark a verb with a few flags.
const string Usage = "Usage: dotnet run -c Release --project bench/Threadline.Bench -- bom [--iterations N] [--sql-iterations N] [--postgres CONNSTRING]\n" +
    "   or: ... -- assets [--assets N (default 100000)] [--iterations N (default 2000)] [--postgres CONNSTRING]\n" +
    "  --iterations      timed in-memory resolutions (default 2000)\n" +
    "  --sql-iterations  timed recursive SQL queries per engine (default 100)\n" +
    "  --postgres        Npgsql connection string of a server where a scratch database may be created and dropped\n" +
    "                    (default: environment variable THREADLINE_BENCH_POSTGRES; without either, SQLite only)\n" +
    "   or: dotnet run -c Release --project bench/Threadline.Bench -- ingest [--publishers N] [--window N] [--messages N] [--latency-seconds S] [--mosquitto PATH]\n" +
    "  --publishers       MQTT publisher connections on loopback (default 32)\n" +
    "  --window           unacknowledged QoS 1 publishes per connection (default 16)\n" +
    "  --messages         single-point JSON messages per saturation run (default 200000)\n" +
    "  --latency-seconds  length of the half-rate latency run (default 10)\n" +
    "  --mosquitto        Mosquitto binary for the ceiling run (default /usr/sbin/mosquitto)";

if (args.Length > 0 && args[0] == "ingest")
{
    var publishers = 32;
    var window = 16;
    var messages = 200_000;
    var latencySeconds = 10.0;
    var mosquitto = "/usr/sbin/mosquitto";
    for (var i = 1; i < args.Length; i++)
    {
        string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--publishers":
                publishers = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--window":
                window = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--messages":
                messages = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--latency-seconds":
                latencySeconds = double.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--mosquitto":
                mosquitto = Next();
                break;
            default:
                Console.Error.WriteLine($"Unknown option '{args[i]}'.\n{Usage}");
                return 2;
        }
    }
    if (publishers < 1 || window < 1 || messages < publishers || latencySeconds <= 0)
    {
        Console.Error.WriteLine("--publishers and --window must be at least 1, --messages at least --publishers, --latency-seconds positive.");
        return 2;
    }
    return await IngestBenchmark.RunAsync(new IngestBenchmarkOptions(publishers, window, messages, latencySeconds, mosquitto));
}

if (args.Length > 0 && args[0] == "assets")
{
    // assets [--assets N] [--iterations N] [--postgres CONNSTRING]
    int Flag(string name, int fallback) => Array.IndexOf(args, name) is var at and > 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    var server = Array.IndexOf(args, "--postgres") is var p and > 0 && p + 1 < args.Length ? args[p + 1] : Environment.GetEnvironmentVariable("THREADLINE_BENCH_POSTGRES");
    return await AssetConfigurationBenchmark.RunAsync(new AssetBenchmarkOptions(Flag("--assets", 100_000), Flag("--iterations", 2_000), string.IsNullOrWhiteSpace(server) ? null : server));
}

if (args.Length == 0 || args[0] != "bom")
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var iterations = 2_000;
var sqlIterations = 100;
var postgres = Environment.GetEnvironmentVariable("THREADLINE_BENCH_POSTGRES");
for (var i = 1; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--iterations":
            iterations = int.Parse(Value(), CultureInfo.InvariantCulture);
            break;
        case "--sql-iterations":
            sqlIterations = int.Parse(Value(), CultureInfo.InvariantCulture);
            break;
        case "--postgres":
            postgres = Value();
            break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'.\n{Usage}");
            return 2;
    }
}
if (iterations < 1 || sqlIterations < 1)
{
    Console.Error.WriteLine("--iterations and --sql-iterations must be at least 1.");
    return 2;
}

return await BomBenchmark.RunAsync(new BomBenchmarkOptions(iterations, sqlIterations, string.IsNullOrWhiteSpace(postgres) ? null : postgres));
