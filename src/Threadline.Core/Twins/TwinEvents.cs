using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Threadline.Events;
using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>
/// One reading that supports an alert: the signal's value (its unit) at a source-clock instant, with the z-score against
/// the baseline (its learned mean at the operating point), the short-term trend (the signal's unit per hour) and the design
/// limit that were looked at, where they apply.
/// </summary>
public sealed record AlertEvidence(
    string Signal,
    double Value,
    string Unit,
    DateTimeOffset At,
    float? ZScore = null,
    float? Baseline = null,
    float? Trend = null,
    DesignLimit? Limit = null);

/// <summary>
/// An active alert of a twin. <see cref="Key"/> identifies it while active ("limit:flow", "anomaly:flow", "rule:cavitation");
/// <see cref="At"/> is when it was raised or last changed severity (source clock). <see cref="Item"/> and
/// <see cref="Revision"/> are the PLM context: the unit's product and revision whose <see cref="Limit"/> (for limit
/// alerts, with its severity and unit) was crossed. <see cref="Action"/> is the recommended action, where one is declared.
/// <see cref="Id"/> stays the same from raise to clear (a change of band keeps it); a state stored before alerts had ids
/// reads back with an empty one (see <see cref="IdOr"/>). <see cref="FailureMode"/> is the declared failure mode the alert
/// points at: a rule's own, or the first of the component whose signal it watches; null when the model names none.
/// </summary>
public sealed record TwinAlert(
    string Key,
    AlertKind Kind,
    string Signal,
    LimitSeverity Severity,
    double Value,
    DesignLimit? Limit,
    DateTimeOffset At,
    string Message,
    string Item,
    string Revision,
    ImmutableArray<AlertEvidence> Evidence,
    string? Action = null,
    AlertId Id = default,
    string? FailureMode = null)
{
    /// <summary>The alert's id, or for an alert stored without one, the id it would have had if raised at <see cref="At"/>.</summary>
    public AlertId IdOr(string assetId) => Id.IsEmpty ? AlertId.For(assetId, Key, At) : Id;
}

/// <summary>
/// Something a twin concluded from a sample, in the past tense, for the integrator to persist and publish.
/// <see cref="At"/> is the source-clock time of the sample that caused it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(LimitCrossed), "limitCrossed")]
[JsonDerivedType(typeof(AnomalyDetected), "anomalyDetected")]
[JsonDerivedType(typeof(CorrelationRuleFired), "correlationRuleFired")]
[JsonDerivedType(typeof(AlertCleared), "alertCleared")]
[JsonDerivedType(typeof(HealthChanged), "healthChanged")]
[JsonDerivedType(typeof(UnitStarted), "unitStarted")]
[JsonDerivedType(typeof(UnitStopped), "unitStopped")]
public abstract record TwinEvent(string AssetId, DateTimeOffset At);

/// <summary>A signal entered a design-limit band, or moved to another one (<see cref="Previous"/> null: it was inside all limits).</summary>
public sealed record LimitCrossed(string AssetId, DateTimeOffset At, TwinAlert Alert, LimitSeverity? Previous) : TwinEvent(AssetId, At);

/// <summary>A signal deviated from the unit's learned behaviour at its operating point.</summary>
public sealed record AnomalyDetected(string AssetId, DateTimeOffset At, TwinAlert Alert) : TwinEvent(AssetId, At);

/// <summary>Every condition of a correlation rule held.</summary>
public sealed record CorrelationRuleFired(string AssetId, DateTimeOffset At, TwinAlert Alert) : TwinEvent(AssetId, At);

/// <summary>An alert's cause went away (back inside the limit by the deadband, back to baseline, rule no longer holding).</summary>
public sealed record AlertCleared(string AssetId, DateTimeOffset At, TwinAlert Alert, double Value) : TwinEvent(AssetId, At);

/// <summary>Health (0..1) or RUL moved by more than the family's reporting step since the last report.</summary>
public sealed record HealthChanged(
    string AssetId,
    DateTimeOffset At,
    double? Previous,
    double Health,
    RulEstimate Rul,
    ImmutableArray<FailureModeEstimate> FailureModes) : TwinEvent(AssetId, At);

/// <summary>The unit started running.</summary>
public sealed record UnitStarted(string AssetId, DateTimeOffset At) : TwinEvent(AssetId, At);

/// <summary>The unit stopped.</summary>
public sealed record UnitStopped(string AssetId, DateTimeOffset At, double RunningHours) : TwinEvent(AssetId, At);
