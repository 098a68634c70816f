using System.Collections.Immutable;
using System.Globalization;
using Threadline.Telemetry;

namespace Threadline.Twins;

/// <summary>
/// Applies one telemetry sample to a twin: a pure, deterministic "sample → new state and events" function (the same state,
/// model and sample always give the same result; no clock is read, time comes from the sample's source timestamp).
/// Rules, in order (docs/twins.md explains each):
/// <list type="bullet">
/// <item>Samples of another asset are refused; samples of undeclared signals, of Bad quality or not finite are ignored.</item>
/// <item>A sample older than the latest of its signal is late: it joins its day's aggregate (when the unit runs now and the
/// day is inside the 7-day window) and changes nothing else. A repeat of the latest sample (same time, same value) is ignored.</item>
/// <item>Running hours accumulate between consecutive in-order samples while running; starts and stops are counted.</item>
/// <item>Detectors (limits, baseline, rules), aggregates, failure modes, RUL and health run only while the unit runs
/// (ISA-18.2 state-based suppression: a stopped pump's zero flow is not an alarm); alerts keep their state across a stop.</item>
/// </list>
/// </summary>
public static partial class TwinEngine
{
    // Two-sided 95 % Student t for 1..5 degrees of freedom (3..7 daily points in the RUL regression).
    private static readonly double[] StudentT95 = [12.706, 4.303, 3.182, 2.776, 2.571];

    public static (TwinState State, IReadOnlyList<TwinEvent> Events) Apply(TwinState state, TwinModel model, TelemetryPoint point)
    {
        if (!string.Equals(point.AssetId, state.AssetId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Sample of {point.AssetId} applied to the twin of {state.AssetId}.", nameof(point));
        }
        // A cheap guard on every sample; the full check (TwinState.FitsModel) belongs where a state is loaded or rebound.
        if (state.Signals.Length != model.Signals.Count || state.Rules.Length != model.Family.Rules.Count
            || state.Derived.Length != model.Family.Derived.Count || state.FailureModes.Length != model.Family.FailureModes.Count
            || !string.Equals(state.Revision, model.Revision, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"The twin of {state.AssetId} (revision {state.Revision}) does not fit the model of revision {model.Revision}: rebind the state first.", nameof(model));
        }

        var index = model.IndexOf(point.Signal);
        if (index < 0 || point.Quality == TelemetryQuality.Bad || !double.IsFinite(point.Value))
        {
            return (state, []);
        }

        var signal = state.Signals[index];
        var at = point.Timestamp;
        if (signal.At is { } latest && at < latest)
        {
            return (LateSample(state, index, point), []);
        }
        if (signal.At == at && signal.Value == point.Value)
        {
            return (state, []);
        }

        var events = new List<TwinEvent>();
        var hours = state.RunningHours;
        if (state.Running == true && state.UpdatedAt is { } previous && at > previous)
        {
            hours += (at - previous).TotalHours;
        }

        var signals = state.Signals.SetItem(index, WithSample(signal, point.Value, at, model.Family.Tuning));
        var running = IsRunning(model, signals) ?? state.Running;
        var next = state with
        {
            Signals = signals,
            RunningHours = hours,
            UpdatedAt = state.UpdatedAt is { } u && u > at ? u : at,
            Running = running,
        };

        if (state.Running is { } was && running is { } now && was != now)
        {
            next = now ? next with { Starts = next.Starts + 1, RunningSince = at } : next with { Stops = next.Stops + 1, RunningSince = null };
            events.Add(now ? new UnitStarted(state.AssetId, at) : new UnitStopped(state.AssetId, at, hours));
        }
        else if (state.Running is null && running == true)
        {
            next = next with { RunningSince = at };
        }
        if (model.DerivedInputs[index])
        {
            next = next with { Derived = ComputeDerived(model, next.Signals) };
        }
        if (running == true)
        {
            next = Detect(next, model, index, point, events);
        }
        return (next, events);
    }

    /// <summary>
    /// The derived properties of an operating point, aligned with the model's declarations: each compiled formula reads
    /// one buffer of the signals' latest values and the properties computed before it (NaN where missing), in the order
    /// that puts every property after those it reads.
    /// </summary>
    public static ImmutableArray<double?> ComputeDerived(TwinModel model, IReadOnlyList<SignalState> signals)
    {
        var derived = model.Family.Derived;
        var values = new double[signals.Count + derived.Count];
        for (var i = 0; i < signals.Count; i++)
        {
            values[i] = signals[i].Value ?? double.NaN;
        }
        for (var i = signals.Count; i < values.Length; i++)
        {
            values[i] = double.NaN;
        }
        foreach (var d in model.DerivedOrder)
        {
            var value = derived[d].Evaluate(values);
            values[signals.Count + d] = double.IsFinite(value) ? value : double.NaN;
        }

        var result = ImmutableArray.CreateBuilder<double?>(derived.Count);
        for (var d = 0; d < derived.Count; d++)
        {
            var value = values[signals.Count + d];
            result.Add(double.IsNaN(value) ? null : value);
        }
        return result.MoveToImmutable();
    }

    private static SignalState WithSample(SignalState signal, double value, DateTimeOffset at, TwinTuning tuning)
    {
        if (signal.At is not { } previous)
        {
            return signal with { Value = value, At = at, FastMean = (float)value, SlowMean = (float)value };
        }

        // Time-weighted EWMAs: irregular sampling weighs each step by how long it lasted.
        var dt = (at - previous).TotalSeconds;
        var fast = 1 - Math.Exp(-dt / tuning.FastTrend.TotalSeconds);
        var slow = 1 - Math.Exp(-dt / tuning.SlowTrend.TotalSeconds);
        return signal with
        {
            Value = value,
            At = at,
            FastMean = (float)(signal.FastMean + fast * (value - signal.FastMean)),
            SlowMean = (float)(signal.SlowMean + slow * (value - signal.SlowMean)),
        };
    }

    private static bool? IsRunning(TwinModel model, IReadOnlyList<SignalState> signals)
    {
        if (model.AlwaysRunning)
        {
            return true;
        }
        bool? running = null;
        foreach (var (index, threshold) in model.RunningSignals)
        {
            if (signals[index].Value is { } v)
            {
                running = running == true || v > threshold;
            }
        }
        return running;
    }

    private static TwinState LateSample(TwinState state, int index, TelemetryPoint point)
    {
        if (state.Running != true)
        {
            return state;
        }
        var signal = state.Signals[index];
        var days = AddToDay(signal.Days, DayOf(point.Timestamp), point.Value);
        return days == signal.Days ? state : state with { Signals = state.Signals.SetItem(index, signal with { Days = days }) };
    }

    private static TwinState Detect(TwinState state, TwinModel model, int index, TelemetryPoint point, List<TwinEvent> events)
    {
        var tuning = model.Family.Tuning;
        var definition = model.Signals[index];
        var signal = state.Signals[index];
        var x = point.Value;
        var alerts = state.Alerts;

        var baseline = signal.Baseline;
        float? z = null;
        var settled = state.RunningSince is not { } since || point.Timestamp - since >= tuning.StartupGrace;
        if (settled && OperatingPoint(state, model) is { } condition)
        {
            var bin = model.Family.Baseline.BinOf(condition);
            var cell = baseline[bin];
            z = cell.Count >= tuning.BaselineWarmup
                ? (float)((x - cell.Mean) / Math.Max(Math.Sqrt(cell.Variance), definition.NoiseFloor))
                : null;
            baseline = baseline.SetItem(bin, Learn(cell, x, tuning.BaselineRate));
        }

        signal = signal with { Baseline = baseline, Z = z, Days = AddToDay(signal.Days, DayOf(point.Timestamp), x) };
        signal = EvaluateLimits(state, model, index, signal, point, ref alerts, events);
        signal = EvaluateAnomaly(state, model, index, signal, point, ref alerts, events);

        var next = state with { Signals = state.Signals.SetItem(index, signal), Alerts = alerts };
        next = EvaluateRules(next, model, definition.Name, point.Timestamp, events);
        if (model.AssessedSignals[index])
        {
            next = Assess(next, model, index, point.Timestamp, events);
        }
        return next;
    }

    /// <summary>The value that picks the baseline bin: the bin signal's latest value, 0 when the model has one bin, null when not read yet.</summary>
    internal static double? OperatingPoint(TwinState state, TwinModel model) =>
        model.BaselineSignalIndex >= 0 ? state.Signals[model.BaselineSignalIndex].Value : model.Family.Baseline.Edges.Count == 0 ? 0 : null;

    private static BaselineCell Learn(BaselineCell cell, double x, double rate)
    {
        // Rate 1/n at first, so the warm-up is a plain mean and variance; then a fixed memory.
        var count = cell.Count == int.MaxValue ? cell.Count : cell.Count + 1;
        var a = Math.Max(rate, 1.0 / count);
        var d = x - cell.Mean;
        return new BaselineCell(count, (float)(cell.Mean + a * d), (float)((1 - a) * (cell.Variance + a * d * d)));
    }

    internal static int DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime).DayNumber;

    private static ImmutableArray<DailyBucket> AddToDay(ImmutableArray<DailyBucket> days, int day, double x)
    {
        for (var i = days.Length - 1; i >= 0; i--)
        {
            var b = days[i];
            if (b.Day == day)
            {
                return days.SetItem(i, b.Add(x));
            }
            if (b.Day < day)
            {
                var newest = Math.Max(days[^1].Day, day);
                if (day <= newest - 7)
                {
                    return days;
                }
                var inserted = days.Insert(i + 1, DailyBucket.First(day, x));
                return inserted.RemoveAll(d => d.Day <= newest - 7);
            }
        }
        return days.Length > 0 && day <= days[^1].Day - 7 ? days : days.Insert(0, DailyBucket.First(day, x));
    }

    private static ImmutableArray<TwinAlert> Upsert(ImmutableArray<TwinAlert> alerts, TwinAlert alert)
    {
        for (var i = 0; i < alerts.Length; i++)
        {
            if (alerts[i].Key == alert.Key)
            {
                return alerts.SetItem(i, alert);
            }
        }
        return alerts.Add(alert);
    }

    private static TwinAlert? Find(ImmutableArray<TwinAlert> alerts, string key) => alerts.FirstOrDefault(a => a.Key == key);

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
