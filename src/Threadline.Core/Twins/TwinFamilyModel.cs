using System.Text.Json.Serialization;
using Threadline.Prediction.Health;

namespace Threadline.Twins;

/// <summary>
/// A measured signal of a product family, in the unit its design limits are written in. <see cref="Deadband"/> (same unit)
/// is how far back inside a limit a value must come before the alert clears (ISA-18.2 deadband), so noise at the limit
/// does not chatter. <see cref="NoiseFloor"/> (same unit) is the smallest standard deviation the dynamic baseline assumes,
/// so a signal that has been perfectly flat does not turn its first wobble into a huge z-score.
/// </summary>
public sealed record TwinSignal(string Name, string Unit, string Description = "", double Deadband = 0, double NoiseFloor = 0);

/// <summary>
/// A property computed from the operating point by a declared formula (<see cref="Formula"/>, text of the twin model
/// document), compiled once per model into <see cref="Evaluate"/>. The compiled formula reads a buffer holding the latest
/// value of every signal (at the signal's index) followed by every derived property (at signal count plus its index), NaN
/// where a value is missing, and returns NaN when it cannot be computed (an input missing, a guard not met).
/// <see cref="Inputs"/> are the signals it depends on, directly or through other derived properties.
/// </summary>
public sealed record DerivedProperty(
    string Name,
    string Unit,
    string Description,
    string Formula,
    IReadOnlyList<string> Inputs,
    Func<double[], double> Evaluate);

/// <summary>What a correlation condition measures on its signal.</summary>
public enum ConditionKind
{
    /// <summary>Latest value strictly above the threshold (signal unit).</summary>
    Above,

    /// <summary>Latest value strictly below the threshold (signal unit).</summary>
    Below,

    /// <summary>
    /// Z-score against the dynamic baseline at least the threshold when the threshold is positive, at most it when negative.
    /// Never true during the baseline's warm-up.
    /// </summary>
    Deviating,

    /// <summary>Short-term trend (fast minus slow time-weighted average, signal unit per hour) at least the threshold.</summary>
    Rising,

    /// <summary>Short-term trend (signal unit per hour) at most minus the threshold.</summary>
    Falling,

    /// <summary>Slope of the daily means over the last 7 days (signal unit per day, at least 3 days) at least the threshold.</summary>
    RisingDaily,
}

/// <summary>One condition of a correlation rule: <see cref="Signal"/> measured as <see cref="Kind"/> against <see cref="Threshold"/> (document key <c>value</c>).</summary>
public sealed record CorrelationCondition(string Signal, ConditionKind Kind, [property: JsonPropertyName("value")] double Threshold);

/// <summary>
/// A hypothesis drawn from several signals at once, evaluated on each sample of the first condition's signal (its trigger)
/// against the latest state of the others: it fires when every condition holds, and clears when they no longer all hold,
/// each after <see cref="TwinTuning.RuleDelay"/> consecutive evaluations. <see cref="FailureMode"/> names the declared failure mode it points to, if any.
/// </summary>
public sealed record CorrelationRule(
    string Id,
    string Hypothesis,
    Plm.LimitSeverity Severity,
    IReadOnlyList<CorrelationCondition> Conditions,
    string? FailureMode,
    string RecommendedAction);

/// <summary>
/// The operating-point bins the dynamic baseline is conditioned on: the value of <see cref="Signal"/> falls in bin i when it
/// is at least <c>Edges[i-1]</c> and below <c>Edges[i]</c>; there are <c>Edges.Count + 1</c> bins.
/// </summary>
public sealed record OperatingBins(string Signal, IReadOnlyList<double> Edges)
{
    /// <summary>One bin for every operating point: the baseline is not conditioned.</summary>
    public static OperatingBins None { get; } = new("", []);

    public int Count => Edges.Count + 1;

    public int BinOf(double value)
    {
        var bin = 0;
        while (bin < Edges.Count && value >= Edges[bin])
        {
            bin++;
        }
        return bin;
    }
}

/// <summary>The unit runs while any of these signals is above its threshold (signal unit); with none of them read yet, it is unknown.</summary>
public sealed record RunningRule(IReadOnlyList<RunningCondition> AnyAbove);

/// <summary>One signal of a <see cref="RunningRule"/> and the value (signal unit) above which it says the unit runs.</summary>
public sealed record RunningCondition(string Signal, [property: JsonPropertyName("value")] double Threshold);

/// <summary>
/// The remaining-useful-life rule: linear extrapolation of the 7-day trend of <see cref="Signal"/>'s daily means toward
/// its critical (else warning) maximum of the unit's revision, capped at <see cref="HorizonDays"/>. Only completed UTC days
/// count (today's partial mean would swing with the hour), each with at least <see cref="MinSamplesPerDay"/> running samples.
/// </summary>
public sealed record RulRule(string Signal, double HorizonDays = 180, int MinSamplesPerDay = 6);

/// <summary>
/// Detector settings of a family. Rates are per sample; delays count consecutive evaluations of the same signal (or rule).
/// </summary>
public sealed record TwinTuning
{
    /// <summary>EWMA rate of the dynamic baseline per sample in a bin (default 0.01: a memory of about 100 samples).</summary>
    public double BaselineRate { get; init; } = 0.01;

    /// <summary>Samples a bin must have learned before it scores (default 30).</summary>
    public int BaselineWarmup { get; init; } = 30;

    /// <summary>|z| at or above which a sample counts as anomalous (default 4).</summary>
    public double AnomalyEnterZ { get; init; } = 4;

    /// <summary>|z| below which an anomaly clears (default 2).</summary>
    public double AnomalyExitZ { get; init; } = 2;

    /// <summary>Consecutive crossing samples before a limit or anomaly alert is raised (default 2, ISA-18.2 on-delay).</summary>
    public int OnDelay { get; init; } = 2;

    /// <summary>Consecutive evaluations a rule must hold to fire, and fail to clear (default 3).</summary>
    public int RuleDelay { get; init; } = 3;

    /// <summary>Time constant of the fast short-term average (default 15 minutes).</summary>
    public TimeSpan FastTrend { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Time constant of the slow short-term average (default 2 hours).</summary>
    public TimeSpan SlowTrend { get; init; } = TimeSpan.FromHours(2);

    /// <summary>
    /// Time after a start during which the dynamic baseline neither scores nor learns (default 2 hours, about four thermal
    /// time constants of a bearing): a cold start is a transient, not the unit's behaviour at that operating point. Limits
    /// are still watched.
    /// </summary>
    public TimeSpan StartupGrace { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Change of health (0..1) that is reported as a new <see cref="HealthChanged"/> (default 0.02).</summary>
    public double HealthStep { get; init; } = 0.02;

    /// <summary>Change of remaining useful life, in days, that is reported (default 1).</summary>
    public double RulStepDays { get; init; } = 1;
}

/// <summary>
/// A part of the product that the family's signals watch and whose wear its failure modes describe: which BOM items it is
/// (<see cref="Items"/>, item numbers, alternatives in any order: the design may use one or another by effectivity), which
/// signals measure it and which failure modes it is subject to. Its positions in a unit are where the unit's designed
/// structure uses one of those items; a replacement there, or at an assembly above, restarts the wear evidence of its
/// signals; an unapproved part there puts a caveat on its failure modes (docs/twins.md).
/// </summary>
public sealed record TwinComponent(string Id, string Name, IReadOnlyList<string> Items, IReadOnlyList<string> Signals, IReadOnlyList<string> FailureModes)
{
    /// <summary>Whether an item number is one of this component's.</summary>
    public bool Is(string? item) => item is not null && Items.Contains(item, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// What a twin of one product is, compiled from the twin model document of a PLM revision (<see cref="TwinModelDocument"/>):
/// its signals, derived properties, correlation rules, failure modes, the operating-point bins of its baseline, when it
/// counts as running and how its RUL is estimated. It holds no limits: those come from the PLM revision of each unit
/// (<see cref="TwinModel.For(TwinFamilyModel, string, Plm.ItemRevision)"/>). <see cref="DtmiSegment"/> names it in DTDL
/// ids (letters and digits). <see cref="Running"/> null: the unit is taken as running and every detector judges it;
/// <see cref="Baseline"/> with no signal: one bin; <see cref="Rul"/> null: no RUL is estimated.
/// </summary>
public sealed record TwinFamilyModel(
    string DtmiSegment,
    string DisplayName,
    IReadOnlyList<TwinSignal> Signals,
    IReadOnlyList<DerivedProperty> Derived,
    IReadOnlyList<CorrelationRule> Rules,
    IReadOnlyList<FailureModeSignature> FailureModes,
    OperatingBins Baseline,
    RunningRule? Running,
    RulRule? Rul,
    TwinTuning Tuning)
{
    /// <summary>The monitored components, where the model declares them (none: the configuration changes no conclusion).</summary>
    public IReadOnlyList<TwinComponent> Components { get; init; } = [];

    /// <summary>The order in which <see cref="Derived"/> are computed (indexes into it): each after those it uses.</summary>
    public IReadOnlyList<int> DerivedOrder { get; init; } = [];

    /// <summary>The document this model was compiled from.</summary>
    public TwinModelDocument? Document { get; init; }
}
