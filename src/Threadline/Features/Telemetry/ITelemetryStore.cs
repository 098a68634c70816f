using Threadline.Telemetry;

namespace Threadline.Features.Telemetry;

/// <summary>What one append did: points written, and points already stored (same asset, signal and timestamp).</summary>
public sealed record AppendResult(int Stored, int Duplicates, int OutOfOrder);

/// <summary>A signal and the time after which its points are wanted (exclusive).</summary>
public readonly record struct SignalAfter(string Signal, DateTimeOffset After);

/// <summary>
/// A rollup bucket: <see cref="Start"/> is the bucket's first instant (UTC, aligned to the step), statistics over
/// the raw points whose source timestamp falls in [Start, Start + step).
/// </summary>
public sealed record TelemetryBucket(DateTimeOffset Start, long Count, double Min, double Max, double Mean, double StdDev);

/// <summary>
/// The time-series store: raw points plus 1-minute and 1-hour rollups, each tier with its own retention.
/// Two implementations: DuckDB (embedded default) and PostgreSQL (scale-out).
/// </summary>
public interface ITelemetryStore
{
    /// <summary>
    /// A timestamp as every store keeps it: UTC, whole microseconds (DuckDB TIMESTAMP, PostgreSQL timestamptz). Two
    /// points of one signal are the same reading when these agree, and "after" a time means after it at this precision.
    /// </summary>
    static DateTime ToStoredTime(DateTimeOffset timestamp)
    {
        var ticks = timestamp.UtcTicks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    Task InitialiseAsync(CancellationToken cancellationToken);

    /// <summary>Stores a batch durably before returning; a point already stored is counted, not written again.</summary>
    Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken);

    /// <summary>Raw points of one signal with timestamp in [from, to), in timestamp order.</summary>
    Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <summary>
    /// The first <paramref name="limit"/> raw points of one signal with timestamp in [from, to), in timestamp order:
    /// lets a caller refuse a range that is too large without reading all of it.
    /// </summary>
    async Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
        [.. (await ReadRawAsync(assetId, signal, from, to, cancellationToken)).Take(limit)];

    /// <summary>
    /// The first <paramref name="limit"/> raw points of several signals of one asset, each signal with its own lower
    /// bound: points stamped after <see cref="SignalAfter.After"/> (exclusive, at the store's microsecond precision)
    /// and before <paramref name="to"/>, in timestamp order, ties by signal name (ordinal). What a twin resuming from
    /// an older persisted state has not seen. The stores answer it in one query; this default reads signal by signal.
    /// </summary>
    async Task<IReadOnlyList<TelemetryPoint>> ReadRawAfterAsync(string assetId, IReadOnlyList<SignalAfter> signals, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        var points = new List<TelemetryPoint>();
        foreach (var (signal, after) in signals)
        {
            var stored = await ReadRawAsync(assetId, signal, after, to, cancellationToken);
            points.AddRange(stored.Where(p => ToStoredTime(p.Timestamp) > ToStoredTime(after)).Take(limit));
        }
        return [.. points.OrderBy(p => p.Timestamp).ThenBy(p => p.Signal, StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>Buckets of <paramref name="step"/> (1 minute, 1 hour, or a multiple of either) over [from, to), in time order.</summary>
    Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken);

    /// <summary>Deletes what each tier's retention no longer keeps, relative to <paramref name="now"/>.</summary>
    Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
