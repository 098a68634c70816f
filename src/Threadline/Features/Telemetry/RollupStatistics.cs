using Threadline.Plm;

namespace Threadline.Features.Telemetry;

/// <summary>
/// Mergeable statistics of a set of values: count, min, max, mean and M2 (the sum of squared deviations from the
/// mean). Two sets merge exactly with Chan, Golub and LeVeque's parallel formula, so a bucket can be updated by a
/// late batch, and buckets can be merged into a longer step, without the raw values.
/// </summary>
internal struct RollupStatistics
{
    public long Count;
    public double Min;
    public double Max;
    public double Mean;
    public double M2;

    public RollupStatistics(long count, double min, double max, double mean, double m2)
    {
        Count = count;
        Min = min;
        Max = max;
        Mean = mean;
        M2 = m2;
    }

    /// <summary>Population standard deviation, sqrt(M2 / n): defined (0) for a single value, unlike the sample form.</summary>
    public readonly double StdDev => Count == 0 ? 0 : Math.Sqrt(Math.Max(0, M2) / Count);

    /// <summary>Welford's update: numerically stable where the textbook sum-of-squares form cancels.</summary>
    public void Add(double value)
    {
        Count++;
        if (Count == 1)
        {
            Min = Max = Mean = value;
            M2 = 0;
            return;
        }
        var delta = value - Mean;
        Mean += delta / Count;
        M2 += delta * (value - Mean);
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
    }

    /// <summary>Chan et al.: n = na + nb, δ = mean_b − mean_a, mean = mean_a + δ·nb/n, M2 = M2a + M2b + δ²·na·nb/n.</summary>
    public void Merge(in RollupStatistics other)
    {
        if (other.Count == 0)
        {
            return;
        }
        if (Count == 0)
        {
            this = other;
            return;
        }
        var n = Count + other.Count;
        var delta = other.Mean - Mean;
        Mean += delta * other.Count / n;
        M2 += other.M2 + (delta * delta * ((double)Count * other.Count / n));
        Count = n;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }
}

/// <summary>The two stored rollup tiers.</summary>
internal enum RollupTier
{
    Minute,
    Hour,
}

/// <summary>Which tier answers a step, and how stored buckets merge into buckets of that step.</summary>
internal static class TelemetryRollups
{
    public const string AllowedSteps = "1 minute, 1 hour, or a whole multiple of either (for example 15m, 1h, 1d)";

    /// <summary>
    /// The coarsest tier whose bucket divides <paramref name="step"/>: fewer stored buckets to merge. Anything that
    /// is not a positive whole number of minutes cannot be answered from the stored buckets.
    /// </summary>
    public static RollupTier TierFor(TimeSpan step)
    {
        if (step <= TimeSpan.Zero || step.Ticks % TimeSpan.TicksPerMinute != 0 || step > TimeSpan.FromDays(3660))
        {
            throw PlmRuleException.Invalid("invalid-step", $"Step {step} is not allowed; use {AllowedSteps}, at most 3660 days.");
        }
        return step.Ticks % TimeSpan.TicksPerHour == 0 ? RollupTier.Hour : RollupTier.Minute;
    }

    public static TimeSpan Width(RollupTier tier) => tier == RollupTier.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);

    /// <summary>Start of the bucket of <paramref name="width"/> holding <paramref name="utc"/>, aligned to the Unix epoch (so days start at midnight UTC).</summary>
    public static DateTime BucketStart(DateTime utc, long widthTicks)
    {
        var sinceEpoch = utc.Ticks - DateTime.UnixEpoch.Ticks;
        var offset = sinceEpoch % widthTicks;
        if (offset < 0)
        {
            offset += widthTicks;
        }
        return new DateTime(utc.Ticks - offset, DateTimeKind.Utc);
    }

    /// <summary>Merges stored buckets, given in start order, into buckets of <paramref name="step"/>.</summary>
    public static IReadOnlyList<TelemetryBucket> Merge(IEnumerable<(DateTime Start, RollupStatistics Stats)> stored, TimeSpan step)
    {
        var result = new List<TelemetryBucket>();
        DateTime? current = null;
        var merged = default(RollupStatistics);
        foreach (var (start, stats) in stored)
        {
            var target = BucketStart(start, step.Ticks);
            if (current != target)
            {
                Flush();
                current = target;
                merged = default;
            }
            merged.Merge(stats);
        }
        Flush();
        return result;

        void Flush()
        {
            if (current is { } at && merged.Count > 0)
            {
                result.Add(new TelemetryBucket(new DateTimeOffset(at, TimeSpan.Zero), merged.Count, merged.Min, merged.Max, merged.Mean, merged.StdDev));
            }
        }
    }
}
