using Threadline.Telemetry;

namespace Threadline.Features.Telemetry;

/// <summary>One point of a batch, ready to store: its series id and its source time cut to whole microseconds (UTC).</summary>
internal readonly record struct StagedPoint(int SeriesId, DateTime Timestamp, TelemetryPoint Point);

/// <summary>A bucket's statistics from the points one batch newly stored, to be merged into the stored bucket.</summary>
internal readonly record struct RollupDelta(int SeriesId, DateTime Bucket, RollupStatistics Stats);

/// <summary>
/// The store-independent half of an append: series keys, in-batch duplicates, and, once the store says which points
/// it newly wrote, the out-of-order count, each series' newest timestamp and the rollup deltas. Keeping it here
/// means both stores count and roll up exactly the same way.
/// </summary>
internal sealed class TelemetryBatch
{
    private TelemetryBatch(List<StagedPoint> points, int inBatchDuplicates)
    {
        Points = points;
        InBatchDuplicates = inBatchDuplicates;
    }

    /// <summary>Distinct points in arrival order; a repeat of (series, timestamp) inside the batch is already dropped.</summary>
    public List<StagedPoint> Points { get; }

    public int InBatchDuplicates { get; }

    public static DateTimeOffset FromStoredTime(DateTime stored) => new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    public static IEnumerable<(string AssetId, string Signal)> SeriesKeys(IReadOnlyList<TelemetryPoint> points) =>
        points.Select(p => (p.AssetId, p.Signal)).Distinct();

    /// <summary>
    /// Drops repeats of (series, timestamp). <paramref name="seen"/> is shared by the batches written in one
    /// transaction, so a point already in an earlier batch of the group counts as a duplicate here.
    /// </summary>
    public static TelemetryBatch Stage(IReadOnlyList<TelemetryPoint> points, IReadOnlyDictionary<(string AssetId, string Signal), int> seriesIds,
        HashSet<(int, long)>? seen = null)
    {
        seen ??= new HashSet<(int, long)>(points.Count);
        var staged = new List<StagedPoint>(points.Count);
        var duplicates = 0;
        foreach (var point in points)
        {
            var id = seriesIds[(point.AssetId, point.Signal)];
            var at = ITelemetryStore.ToStoredTime(point.Timestamp);
            if (seen.Add((id, at.Ticks)))
            {
                staged.Add(new StagedPoint(id, at, point));
            }
            else
            {
                duplicates++;
            }
        }
        return new TelemetryBatch(staged, duplicates);
    }

    /// <summary>
    /// Counts what the store newly wrote (<paramref name="stored"/>: series id and tick of each new row), walking the
    /// batch in arrival order: a new point older than the newest of its series so far (stored before, or earlier in
    /// this batch) is out of order. <paramref name="newest"/> holds each series' newest stored tick before the batch
    /// and is advanced in place. Rollups take the new points only, Bad quality and non-finite values left out.
    /// </summary>
    public (AppendResult Result, List<RollupDelta> Minutes, List<RollupDelta> Hours) Account(
        HashSet<(int SeriesId, long Ticks)> stored, Dictionary<int, long> newest)
    {
        var minutes = new Dictionary<(int, long), RollupStatistics>();
        var hours = new Dictionary<(int, long), RollupStatistics>();
        var result = Account(stored, newest, minutes, hours);
        return (result, Sorted(minutes), Sorted(hours));
    }

    /// <summary>As above, adding this batch's new points to rollup deltas shared by the batches of one transaction.</summary>
    public AppendResult Account(HashSet<(int SeriesId, long Ticks)> stored, Dictionary<int, long> newest,
        Dictionary<(int, long), RollupStatistics> minutes, Dictionary<(int, long), RollupStatistics> hours)
    {
        var outOfOrder = 0;
        var written = 0;
        foreach (var point in Points)
        {
            var ticks = point.Timestamp.Ticks;
            if (!stored.Contains((point.SeriesId, ticks)))
            {
                continue;
            }
            written++;
            if (newest.TryGetValue(point.SeriesId, out var latest) && ticks < latest)
            {
                outOfOrder++;
            }
            else
            {
                newest[point.SeriesId] = ticks;
            }
            if (point.Point.Quality != TelemetryQuality.Bad && double.IsFinite(point.Point.Value))
            {
                Add(minutes, point.SeriesId, TelemetryRollups.BucketStart(point.Timestamp, TimeSpan.TicksPerMinute), point.Point.Value);
                Add(hours, point.SeriesId, TelemetryRollups.BucketStart(point.Timestamp, TimeSpan.TicksPerHour), point.Point.Value);
            }
        }
        return new AppendResult(written, InBatchDuplicates + (Points.Count - written), outOfOrder);
    }

    private static void Add(Dictionary<(int, long), RollupStatistics> buckets, int seriesId, DateTime bucket, double value)
    {
        ref var stats = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(buckets, (seriesId, bucket.Ticks), out _);
        stats.Add(value);
    }

    // Sorted by key so that concurrent writers (PostgreSQL) take row locks in one order and cannot deadlock each other.
    public static List<RollupDelta> Sorted(Dictionary<(int SeriesId, long Ticks), RollupStatistics> buckets) =>
        [.. buckets.OrderBy(b => b.Key.SeriesId).ThenBy(b => b.Key.Ticks)
            .Select(b => new RollupDelta(b.Key.SeriesId, new DateTime(b.Key.Ticks, DateTimeKind.Utc), b.Value))];
}
