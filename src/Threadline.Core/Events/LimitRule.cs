using Threadline.Plm;

namespace Threadline.Events;

/// <summary>
/// Where one signal stands against its design limits: <see cref="Level"/> is the severity of the band it is in (the most
/// severe limit it crosses; null inside all limits), <see cref="Pending"/> the band it is heading to and
/// <see cref="PendingCount"/> how many consecutive samples have agreed on that (the on-delay).
/// </summary>
public readonly record struct LimitBand(LimitSeverity? Level, LimitSeverity? Pending, int PendingCount);

/// <summary>
/// A change of band concluded by <see cref="LimitRule.Judge"/>: from <see cref="Previous"/> to <see cref="Level"/>
/// (null: inside all limits), with the limit of the new band. Raised, changed band or cleared, never "no change".
/// </summary>
public sealed record LimitStep(LimitSeverity? Previous, LimitSeverity? Level, DesignLimit? Limit)
{
    /// <summary>What this step is in an alert's lifecycle.</summary>
    public AssetEventKind Kind => Previous is null ? AssetEventKind.AlertRaised : Level is null ? AssetEventKind.AlertCleared : AssetEventKind.AlertChanged;
}

/// <summary>
/// The one rule for a design-limit crossing, used by the twin and, for signals no twin judges, by ingestion. The band of
/// a value is the most severe limit it crosses; a band already entered is left only once the value is back inside that
/// limit by the signal's deadband (same unit as the limit), and any change of band needs <c>onDelay</c> consecutive
/// samples agreeing on it. Pure: the caller keeps the <see cref="LimitBand"/> between samples.
/// </summary>
public static class LimitRule
{
    public static (LimitBand Band, LimitStep? Step) Judge(IReadOnlyList<DesignLimit> limits, double value, LimitBand band, double deadband, int onDelay)
    {
        var (target, limit) = LevelFor(limits, value, band.Level, deadband);
        if (target == band.Level)
        {
            return (band.PendingCount == 0 ? band : band with { Pending = null, PendingCount = 0 }, null);
        }
        var count = band.Pending == target && band.PendingCount > 0 ? band.PendingCount + 1 : 1;
        if (count < onDelay)
        {
            return (band with { Pending = target, PendingCount = count }, null);
        }
        return (new LimitBand(target, null, 0), new LimitStep(band.Level, target, limit));
    }

    /// <summary>
    /// The band a value is in: the most severe limit it crosses. A band already entered (<paramref name="current"/> at
    /// least as severe as the limit) is left only once the value is back inside the limit by the deadband.
    /// </summary>
    public static (LimitSeverity? Level, DesignLimit? Limit) LevelFor(IReadOnlyList<DesignLimit> limits, double value, LimitSeverity? current, double deadband)
    {
        LimitSeverity? level = null;
        DesignLimit? which = null;
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var inBand = current is { } c && c >= limit.Severity
                ? value < (limit.Min ?? double.NegativeInfinity) + deadband || value > (limit.Max ?? double.PositiveInfinity) - deadband
                : limit.IsCrossedBy(value);
            if (inBand && (level is null || limit.Severity > level))
            {
                level = limit.Severity;
                which = limit;
            }
        }
        return (level, which);
    }
}
