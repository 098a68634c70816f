using Microsoft.Extensions.Options;

namespace Threadline.Features.Telemetry;

/// <summary>Where measured values live and how long each tier keeps them. Bound from the "Telemetry" section.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>
    /// "DuckDb" (default: an embedded file owned by this one process) or "Postgres" (the scale-out path, several
    /// servers may write). Chosen here explicitly, never guessed from a connection string.
    /// </summary>
    public string Store { get; set; } = TelemetryStores.DuckDb;

    /// <summary>
    /// Npgsql connection string for Store = Postgres. Default: Storage:ConnectionString when Storage:Provider is
    /// Postgres; otherwise required.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The DuckDB file for Store = DuckDb. Default "{DataDirectory}/telemetry.duckdb".</summary>
    public string? DuckDbFile { get; set; }

    /// <summary>
    /// Worker threads of the embedded DuckDB. Default: half the cores, at least one — the same process runs the MQTT
    /// broker, the pipeline and the twins, and a DuckDB append that takes every core stalls them.
    /// </summary>
    public int DuckDbThreads { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Days raw points are kept, by source timestamp. Default 30 days.</summary>
    public int RawRetentionDays { get; set; } = 30;

    /// <summary>Days 1-minute buckets are kept, by bucket start. Default 365 days.</summary>
    public int MinuteRetentionDays { get; set; } = 365;

    /// <summary>Days 1-hour buckets are kept, by bucket start. Default 3650 days (10 years).</summary>
    public int HourRetentionDays { get; set; } = 3650;

    /// <summary>Minutes between two retention passes of the background service. Default 60 minutes.</summary>
    public int RetentionIntervalMinutes { get; set; } = 60;

    /// <summary>Most raw points one HTTP read returns before it is refused with advice to ask for a step. Default 100,000 points.</summary>
    public int MaxRawPointsPerRead { get; set; } = 100_000;

    internal bool IsPostgres => string.Equals(Store, TelemetryStores.Postgres, StringComparison.OrdinalIgnoreCase);
}

public static class TelemetryStores
{
    public const string DuckDb = "DuckDb";
    public const string Postgres = "Postgres";
}

/// <summary>Rejects bad telemetry settings at start, naming the setting and what it must be.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (!string.Equals(options.Store, TelemetryStores.DuckDb, StringComparison.OrdinalIgnoreCase) && !options.IsPostgres)
        {
            failures.Add($"Telemetry:Store must be '{TelemetryStores.DuckDb}' or '{TelemetryStores.Postgres}', not '{options.Store}'.");
        }
        if (options.IsPostgres && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Telemetry:ConnectionString is required when Telemetry:Store is Postgres and Storage:Provider is not Postgres " +
                "(for example 'Host=127.0.0.1;Username=threadline;Password=...;Database=threadline').");
        }
        Range(failures, "Telemetry:RawRetentionDays", options.RawRetentionDays, 1, 36_500);
        Range(failures, "Telemetry:MinuteRetentionDays", options.MinuteRetentionDays, 1, 36_500);
        Range(failures, "Telemetry:HourRetentionDays", options.HourRetentionDays, 1, 36_500);
        Range(failures, "Telemetry:RetentionIntervalMinutes", options.RetentionIntervalMinutes, 1, 10_080);
        Range(failures, "Telemetry:DuckDbThreads", options.DuckDbThreads, 1, 1_024);
        Range(failures, "Telemetry:MaxRawPointsPerRead", options.MaxRawPointsPerRead, 1, 10_000_000);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{setting} must be between {min} and {max}, not {value}.");
        }
    }
}
