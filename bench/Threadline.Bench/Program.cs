using System.Globalization;
using Threadline.Bench.Bom;
using Threadline.Bench.TimeSeries;

// A small command line on purpose: each benchmark a verb with a few flags.
const string Usage = "Usage: dotnet run -c Release --project bench/Threadline.Bench -- bom [--iterations N] [--sql-iterations N] [--postgres CONNSTRING]\n" +
    "  --iterations      timed in-memory resolutions (default 2000)\n" +
    "  --sql-iterations  timed recursive SQL queries per engine (default 100)\n" +
    "  --postgres        Npgsql connection string of a server where a scratch database may be created and dropped\n" +
    "                    (default: environment variable THREADLINE_BENCH_POSTGRES; without either, SQLite only)\n" +
    "       dotnet run -c Release --project bench/Threadline.Bench -- timeseries [--batches N] [--batch-size N] [--writers N] [--query-iterations N] [--interval-seconds N] [--postgres CONNSTRING]\n" +
    "  --batches           appended batches (default 1440: one plant day at one point per series per minute)\n" +
    "  --batch-size        points per batch (default 1000)\n" +
    "  --writers           concurrent appenders (default 1)\n" +
    "  --query-iterations  timed 1-day rollup reads per step (default 200)\n" +
    "  --interval-seconds  plant time between two points of a series (default 60: 1,440 batches fill the day the reads ask for)\n" +
    "  --postgres          as for bom; without it, DuckDB only";

if (args.Length > 0 && args[0] == "timeseries")
{
    return await RunTimeSeriesAsync(args);
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

async Task<int> RunTimeSeriesAsync(string[] arguments)
{
    var batches = 1440;
    var batchSize = 1000;
    var writers = 1;
    var queryIterations = 200;
    var intervalSeconds = 60;
    var connection = Environment.GetEnvironmentVariable("THREADLINE_BENCH_POSTGRES");
    for (var i = 1; i < arguments.Length; i++)
    {
        string Value() => i + 1 < arguments.Length ? arguments[++i] : throw new ArgumentException($"{arguments[i]} needs a value.");
        switch (arguments[i])
        {
            case "--batches":
                batches = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--batch-size":
                batchSize = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--writers":
                writers = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--query-iterations":
                queryIterations = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--interval-seconds":
                intervalSeconds = int.Parse(Value(), CultureInfo.InvariantCulture);
                break;
            case "--postgres":
                connection = Value();
                break;
            default:
                Console.Error.WriteLine($"Unknown option '{arguments[i]}'.\n{Usage}");
                return 2;
        }
    }
    if (batches < 1 || batchSize < 1 || writers < 1 || queryIterations < 1 || intervalSeconds < 1)
    {
        Console.Error.WriteLine("--batches, --batch-size, --writers, --query-iterations and --interval-seconds must be at least 1.");
        return 2;
    }
    return await TimeSeriesBenchmark.RunAsync(new TimeSeriesBenchmarkOptions(batches, batchSize, writers, queryIterations, intervalSeconds,
        string.IsNullOrWhiteSpace(connection) ? null : connection));
}
