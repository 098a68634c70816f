using System.Collections.Immutable;
using Threadline.Events;
using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>
/// Exponentially weighted mean and variance of a signal in one operating-point bin, learned from this unit's own running
/// samples. <see cref="Count"/> is the number of samples learned (the warm-up counts it). Single precision on purpose:
/// sensors give three or four significant digits, and 100,000 twins hold a few million of these.
/// </summary>
public readonly record struct BaselineCell(int Count, float Mean, float Variance);

/// <summary>
/// Running samples of a signal on one UTC day (<see cref="Day"/> is <see cref="DateOnly.DayNumber"/>): count, mean, minimum
/// and maximum, in the signal's unit, in single precision (a running mean, not a sum, so precision does not fall as the
/// count grows). Seven of these give the 7-day peak and mean without raw history.
/// </summary>
public readonly record struct DailyBucket(int Day, int Count, float Mean, float Min, float Max)
{
    public DailyBucket Add(double x) =>
        new(Day, Count + 1, (float)(Mean + (x - Mean) / (Count + 1)), Math.Min(Min, (float)x), Math.Max(Max, (float)x));

    public static DailyBucket First(int day, double x) => new(day, 1, (float)x, (float)x, (float)x);
}

/// <summary>
/// What a twin knows about one signal. <see cref="Value"/> and <see cref="At"/> are the latest in-order sample (source clock,
/// UTC). <see cref="Level"/> is the severity of the design-limit band the signal is in (null: inside all limits);
/// <see cref="Z"/> the last z-score against the dynamic baseline (null during warm-up). <see cref="FastMean"/> and
/// <see cref="SlowMean"/> are time-weighted averages whose difference gives the short-term trend. Derived figures are single
/// precision (100,000 twins hold millions of them; sensors give three or four digits), the reading itself double. Lists hold at most
/// one cell per baseline bin and seven daily buckets, oldest first.
/// </summary>
public sealed record SignalState
{
    public required string Signal { get; init; }

    public double? Value { get; init; }

    public DateTimeOffset? At { get; init; }

    public LimitSeverity? Level { get; init; }

    /// <summary>Level the signal is heading to and how many consecutive samples have agreed (the on-delay).</summary>
    public LimitSeverity? PendingLevel { get; init; }

    public int PendingCount { get; init; }

    public float? Z { get; init; }

    public bool Anomalous { get; init; }

    public int AnomalyStreak { get; init; }

    public float FastMean { get; init; }

    public float SlowMean { get; init; }

    public ImmutableArray<BaselineCell> Baseline { get; init; } = [];

    public ImmutableArray<DailyBucket> Days { get; init; } = [];

    /// <summary>
    /// Time of the work (UTC) of the last replacement of the part this signal watches that the twin has taken in
    /// (<see cref="TwinEngine.Configure"/>): wear trends use only completed UTC days after that day. Null: none known.
    /// </summary>
    public DateTimeOffset? EvidenceSince { get; init; }
}

/// <summary>Progress of a correlation rule: whether it is active and how many consecutive evaluations disagree with that.</summary>
public readonly record struct RuleState(bool Active, int Streak);

/// <summary>Probability (0..1) of a declared failure mode of the family; the recommended action is in the family model.</summary>
public readonly record struct FailureModeEstimate(string Id, double Probability);

/// <summary>How a remaining-useful-life figure was reached.</summary>
public enum RulBasis
{
    /// <summary>Fewer than three days with enough running samples, or no upper limit on the signal: no figure.</summary>
    Unknown,

    /// <summary>The signal is not rising: at least the horizon (Days is the horizon, the cap).</summary>
    NoTrend,

    /// <summary>Extrapolated from a rising trend, capped at the horizon.</summary>
    Trend,

    /// <summary>The trend already stands at or above the limit.</summary>
    LimitReached,
}

/// <summary>
/// Remaining useful life in days (of calendar time) with a confidence interval (<see cref="Lower"/>..<see cref="Upper"/>),
/// from the trend of <see cref="Signal"/> (<see cref="TrendPerDay"/>, its unit per day) toward <see cref="Limit"/>.
/// </summary>
public sealed record RulEstimate(RulBasis Basis, double? Days, double? Lower, double? Upper, string Signal, double? TrendPerDay, double? Limit)
{
    public static RulEstimate Unknown(string signal) => new(RulBasis.Unknown, null, null, null, signal, null, null);
}

/// <summary>
/// The compact, serialisable state of one twin: operating point, derived values, aggregates, detectors, health, RUL,
/// failure-mode probabilities and active alerts. Lists are aligned with the model: <see cref="Signals"/> with the family's
/// signals, <see cref="Derived"/> with its derived properties, <see cref="Rules"/> with its rules,
/// <see cref="FailureModes"/> with its failure modes. Times are source-clock UTC instants of telemetry; no clock is read.
/// Change it only through <see cref="TwinEngine.Apply"/>.
/// </summary>
public sealed record TwinState
{
    public required string AssetId { get; init; }

    public required string Item { get; init; }

    public required string Revision { get; init; }

    /// <summary>Time of the latest in-order sample of any signal.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Whether the unit runs (per the family's running rule); null until a running signal has been read.</summary>
    public bool? Running { get; init; }

    /// <summary>When the unit last started (source clock), or when it was first seen running.</summary>
    public DateTimeOffset? RunningSince { get; init; }

    /// <summary>Hours spent running, summed between consecutive in-order samples.</summary>
    public double RunningHours { get; init; }

    public int Starts { get; init; }

    public int Stops { get; init; }

    public ImmutableArray<SignalState> Signals { get; init; } = [];

    public ImmutableArray<double?> Derived { get; init; } = [];

    public ImmutableArray<RuleState> Rules { get; init; } = [];

    /// <summary>Health in 0..1 (1 = as new), null until assessed while running.</summary>
    public double? Health { get; init; }

    /// <summary>Health and RUL days last reported in a <see cref="HealthChanged"/> event.</summary>
    public double? ReportedHealth { get; init; }

    public double? ReportedRulDays { get; init; }

    public required RulEstimate Rul { get; init; }

    public ImmutableArray<FailureModeEstimate> FailureModes { get; init; } = [];

    public ImmutableArray<TwinAlert> Alerts { get; init; } = [];

    /// <summary>A twin that has seen nothing yet.</summary>
    public static TwinState Create(TwinModel model, string assetId) => new()
    {
        AssetId = assetId,
        Item = model.Item,
        Revision = model.Revision,
        Signals = [.. model.Signals.Select(s => NewSignal(model, s.Name))],
        Derived = [.. model.Family.Derived.Select(_ => (double?)null)],
        Rules = [.. model.Family.Rules.Select(_ => default(RuleState))],
        Rul = RulEstimate.Unknown(model.Rul.Signal),
        FailureModes = [.. model.Family.FailureModes.Select(m => new FailureModeEstimate(m.Id, m.Prior))],
    };

    /// <summary>
    /// The same twin under another model: the unit moved to another revision, or the family's declaration changed since the
    /// state was stored. What was learned about each signal is kept by name (a baseline whose bins changed starts again).
    /// When the revision changes, limit levels are dropped (judged again against the new limits at the next sample) and
    /// limit alerts are closed, since the limits they quote no longer apply; under the same revision they stay.
    /// </summary>
    public TwinState Rebind(TwinModel model)
    {
        var sameLimits = string.Equals(Revision, model.Revision, StringComparison.OrdinalIgnoreCase);
        var old = Signals.ToDictionary(s => s.Signal, StringComparer.Ordinal);
        SignalState Keep(SignalState kept)
        {
            var signal = sameLimits ? kept : kept with { Level = null, PendingLevel = null, PendingCount = 0 };
            return signal.Baseline.Length == model.Family.Baseline.Count
                ? signal
                : signal with { Baseline = [.. Enumerable.Repeat(default(BaselineCell), model.Family.Baseline.Count)], Z = null, Anomalous = false };
        }

        var modes = FailureModes.Select(m => m.Id).SequenceEqual(model.Family.FailureModes.Select(m => m.Id), StringComparer.Ordinal);
        return this with
        {
            Item = model.Item,
            Revision = model.Revision,
            Signals = [.. model.Signals.Select(s => old.TryGetValue(s.Name, out var kept) ? Keep(kept) : NewSignal(model, s.Name))],
            Derived = [.. model.Family.Derived.Select(_ => (double?)null)],
            Rules = Rules.Length == model.Family.Rules.Count ? Rules : [.. model.Family.Rules.Select(_ => default(RuleState))],
            FailureModes = modes ? FailureModes : [.. model.Family.FailureModes.Select(m => new FailureModeEstimate(m.Id, m.Prior))],
            Alerts = sameLimits ? Alerts : [.. Alerts.Where(a => a.Kind != AlertKind.Limit)],
        };
    }

    /// <summary>Whether this state's lists line up with a model's declarations and revision (else <see cref="Rebind"/> first).</summary>
    public bool FitsModel(TwinModel model) =>
        string.Equals(Revision, model.Revision, StringComparison.OrdinalIgnoreCase)
        && Signals.Length == model.Signals.Count
        && Signals.Select(s => s.Signal).SequenceEqual(model.Signals.Select(s => s.Name), StringComparer.Ordinal)
        && Signals.All(s => s.Baseline.Length == model.Family.Baseline.Count)
        && Derived.Length == model.Family.Derived.Count
        && Rules.Length == model.Family.Rules.Count
        && FailureModes.Length == model.Family.FailureModes.Count;

    /// <summary>The state of a signal by name, or null.</summary>
    public SignalState? Signal(string name) => Signals.FirstOrDefault(s => s.Signal == name);

    private static SignalState NewSignal(TwinModel model, string name) => new()
    {
        Signal = name,
        Baseline = [.. Enumerable.Repeat(default(BaselineCell), model.Family.Baseline.Count)],
    };
}
