using System.Collections.Immutable;
using Threadline.Events;
using Threadline.Plm;
using Threadline.Telemetry;

namespace Threadline.Twins;

public static partial class TwinEngine
{
    private static SignalState EvaluateLimits(
        TwinState state, TwinModel model, int index, SignalState signal, TelemetryPoint point, ref ImmutableArray<TwinAlert> alerts, List<TwinEvent> events)
    {
        var definition = model.Signals[index];
        var band = new LimitBand(signal.Level, signal.PendingLevel, signal.PendingCount);
        var (next, step) = LimitRule.Judge(model.LimitsAt(index), point.Value, band, definition.Deadband, model.Family.Tuning.OnDelay);
        if (step is null)
        {
            return next == band ? signal : signal with { PendingLevel = next.Pending, PendingCount = next.PendingCount };
        }

        var key = "limit:" + definition.Name;
        var active = Find(alerts, key);
        if (step.Level is null)
        {
            if (active is not null)
            {
                alerts = alerts.Remove(active);
                events.Add(new AlertCleared(state.AssetId, point.Timestamp, active, point.Value));
            }
        }
        else
        {
            var crossed = step.Limit!;
            var bound = crossed.Max is { } max && point.Value > max - definition.Deadband ? $"above {Format(max)}" : $"below {Format(crossed.Min ?? double.NaN)}";
            var alert = new TwinAlert(
                key,
                AlertKind.Limit,
                definition.Name,
                crossed.Severity,
                point.Value,
                crossed,
                point.Timestamp,
                $"{definition.Name} {Format(point.Value)} {definition.Unit} is {bound} {crossed.Unit}, the {crossed.Severity.ToString().ToLowerInvariant()} limit of {model.Item} revision {model.Revision}.",
                model.Item,
                model.Revision,
                [Evidence(state, model, signal, index, point.Timestamp, crossed)],
                Id: active?.IdOr(state.AssetId) ?? AlertId.For(state.AssetId, key, point.Timestamp),
                FailureMode: FailureModeOf(model, definition.Name));
            alerts = Upsert(alerts, alert);
            events.Add(new LimitCrossed(state.AssetId, point.Timestamp, alert, signal.Level));
        }
        return signal with { Level = next.Level, PendingLevel = next.Pending, PendingCount = next.PendingCount };
    }

    /// <summary>The failure mode an alert on a signal points at: the first of the first component that watches the signal.</summary>
    private static string? FailureModeOf(TwinModel model, string signal)
    {
        foreach (var component in model.Family.Components)
        {
            if (component.Signals.Contains(signal, StringComparer.Ordinal) && component.FailureModes.Count > 0)
            {
                return component.FailureModes[0];
            }
        }
        return null;
    }

    private static SignalState EvaluateAnomaly(
        TwinState state, TwinModel model, int index, SignalState signal, TelemetryPoint point, ref ImmutableArray<TwinAlert> alerts, List<TwinEvent> events)
    {
        if (signal.Z is not { } z)
        {
            return signal.AnomalyStreak == 0 ? signal : signal with { AnomalyStreak = 0 };
        }

        var tuning = model.Family.Tuning;
        var changing = signal.Anomalous ? Math.Abs(z) < tuning.AnomalyExitZ : Math.Abs(z) >= tuning.AnomalyEnterZ;
        var streak = changing ? signal.AnomalyStreak + 1 : 0;
        if (streak < tuning.OnDelay)
        {
            return streak == signal.AnomalyStreak ? signal : signal with { AnomalyStreak = streak };
        }

        var definition = model.Signals[index];
        var key = "anomaly:" + definition.Name;
        if (signal.Anomalous)
        {
            if (Find(alerts, key) is { } cleared)
            {
                alerts = alerts.Remove(cleared);
                events.Add(new AlertCleared(state.AssetId, point.Timestamp, cleared, point.Value));
            }
            return signal with { Anomalous = false, AnomalyStreak = 0 };
        }

        var evidence = Evidence(state, model, signal, index, point.Timestamp, null);
        var alert = new TwinAlert(
            key,
            AlertKind.Anomaly,
            definition.Name,
            LimitSeverity.Info,
            point.Value,
            null,
            point.Timestamp,
            $"{definition.Name} {Format(point.Value)} {definition.Unit} is {Format(z)} standard deviations from this unit's usual {Format(evidence.Baseline ?? double.NaN)} {definition.Unit} at this operating point.",
            model.Item,
            model.Revision,
            [evidence],
            Id: AlertId.For(state.AssetId, key, point.Timestamp),
            FailureMode: FailureModeOf(model, definition.Name));
        alerts = Upsert(alerts, alert);
        events.Add(new AnomalyDetected(state.AssetId, point.Timestamp, alert));
        return signal with { Anomalous = true, AnomalyStreak = 0 };
    }

    private static TwinState EvaluateRules(TwinState state, TwinModel model, string signalName, DateTimeOffset at, List<TwinEvent> events)
    {
        var rules = model.Family.Rules;
        var states = state.Rules;
        var alerts = state.Alerts;
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            // Evaluated on samples of the first condition's signal only, so the rule's delay counts instants, not the
            // several samples of one instant.
            if (rule.Conditions.Count == 0 || rule.Conditions[0].Signal != signalName)
            {
                continue;
            }

            var holds = rule.Conditions.All(c => Holds(state, model, c));
            var current = states[r];
            var streak = holds != current.Active ? current.Streak + 1 : 0;
            if (streak < model.Family.Tuning.RuleDelay)
            {
                states = states.SetItem(r, current with { Streak = streak });
                continue;
            }

            var key = "rule:" + rule.Id;
            if (current.Active)
            {
                if (Find(alerts, key) is { } cleared)
                {
                    alerts = alerts.Remove(cleared);
                    events.Add(new AlertCleared(state.AssetId, at, cleared, cleared.Value));
                }
            }
            else
            {
                var evidence = rule.Conditions
                    .Select(c => (Condition: c, Index: model.IndexOf(c.Signal)))
                    .Where(c => c.Index >= 0)
                    .Select(c => Evidence(state, model, state.Signals[c.Index], c.Index, at, null))
                    .ToImmutableArray();
                var alert = new TwinAlert(
                    key,
                    AlertKind.Correlation,
                    rule.Conditions[0].Signal,
                    rule.Severity,
                    evidence.Length > 0 ? evidence[0].Value : double.NaN,
                    null,
                    at,
                    rule.Hypothesis,
                    model.Item,
                    model.Revision,
                    evidence,
                    rule.RecommendedAction,
                    AlertId.For(state.AssetId, key, at),
                    rule.FailureMode);
                alerts = Upsert(alerts, alert);
                events.Add(new CorrelationRuleFired(state.AssetId, at, alert));
            }
            states = states.SetItem(r, new RuleState(!current.Active, 0));
        }
        return state with { Rules = states, Alerts = alerts };
    }

    private static bool Holds(TwinState state, TwinModel model, CorrelationCondition condition)
    {
        var index = model.IndexOf(condition.Signal);
        if (index < 0 || state.Signals[index].Value is not { } value)
        {
            return false;
        }

        var signal = state.Signals[index];
        return condition.Kind switch
        {
            ConditionKind.Above => value > condition.Threshold,
            ConditionKind.Below => value < condition.Threshold,
            ConditionKind.Deviating => signal.Z is { } z && (condition.Threshold >= 0 ? z >= condition.Threshold : z <= condition.Threshold),
            ConditionKind.Rising => ShortTrendPerHour(signal, model.Family.Tuning) >= condition.Threshold,
            ConditionKind.Falling => ShortTrendPerHour(signal, model.Family.Tuning) <= -condition.Threshold,
            ConditionKind.RisingDaily => DailyTrend(signal, model.Rul.MinSamplesPerDay, DayOf(signal.At ?? default)) is { } fit && fit.Slope >= condition.Threshold,
            _ => false,
        };
    }

    /// <summary>
    /// Slope of a signal in its unit per hour from its two time-weighted averages: on a steady ramp an average of time
    /// constant τ lags the value by slope·τ, so fast − slow = slope · (τslow − τfast).
    /// </summary>
    internal static double ShortTrendPerHour(SignalState signal, TwinTuning tuning) =>
        (signal.FastMean - signal.SlowMean) / (tuning.SlowTrend - tuning.FastTrend).TotalHours;

    private static AlertEvidence Evidence(TwinState state, TwinModel model, SignalState signal, int index, DateTimeOffset at, DesignLimit? limit)
    {
        var definition = model.Signals[index];
        float? baseline = null;
        if (OperatingPoint(state, model) is { } condition && signal.Baseline.Length > 0)
        {
            var cell = signal.Baseline[model.Family.Baseline.BinOf(condition)];
            baseline = cell.Count > 0 ? cell.Mean : null;
        }
        return new AlertEvidence(
            definition.Name,
            signal.Value ?? double.NaN,
            definition.Unit,
            signal.At ?? at,
            signal.Z,
            baseline,
            (float)ShortTrendPerHour(signal, model.Family.Tuning),
            limit ?? model.UpperLimit(definition.Name) ?? (model.LimitsOf(definition.Name) is [var first, ..] ? first : null));
    }
}
