using System.Collections.Concurrent;
using System.Globalization;
using Threadline.Events;
using Threadline.Features.Assets;
using Threadline.Plm;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// A feature above ingestion that judges the design limits of some signals itself (the twins, for the signals of their
/// model). Ingestion leaves those signals to it, so that a crossing is judged once and gives one alert record.
/// </summary>
public interface ILimitJudge
{
    bool JudgesLimitsOf(AssetBinding binding, string signal);
}

/// <summary>
/// Watches the design limits of the signals no <see cref="ILimitJudge"/> takes (all of them with Twins:Enabled=false)
/// with the one rule, <see cref="LimitRule"/>: a crossing is one alert, raised when the signal enters a band, changed
/// when it moves to another, cleared when it is back inside all limits, every step with the same alert id. Ingestion
/// has no deadband or on-delay to apply (the twin model declares them), so a band changes at the first point past its
/// limit. State is per asset and signal, in memory, so after a restart the first point outside a band raises a new
/// alert. Points are judged in arrival order; a point older (time at source) than the last one judged for its signal is
/// stored but does not move the band, so a late retransmission cannot report a crossing that is already over.
/// </summary>
internal sealed class LimitMonitor(IReadOnlyList<ILimitJudge> judges)
{
    private readonly ConcurrentDictionary<(string Asset, string Signal), SignalState> _states = new();

    public List<AssetEvent>? Evaluate(AssetBinding binding, TelemetryPoint point)
    {
        List<DesignLimit>? limits = null;
        foreach (var limit in binding.Limits)
        {
            if (string.Equals(limit.Signal, point.Signal, StringComparison.Ordinal)
                // A value in another unit than the limit's cannot be compared without a conversion we do not guess.
                && (point.Unit is null || string.Equals(limit.Unit, point.Unit, StringComparison.OrdinalIgnoreCase)))
            {
                (limits ??= []).Add(limit);
            }
        }
        if (limits is null)
        {
            return null;
        }
        foreach (var judge in judges)
        {
            if (judge.JudgesLimitsOf(binding, point.Signal))
            {
                return null;
            }
        }
        var state = _states.GetOrAdd((point.AssetId, point.Signal), _ => new SignalState());
        lock (state)
        {
            if (point.Timestamp < state.LastJudged)
            {
                return null;
            }
            state.LastJudged = point.Timestamp;
            var (band, step) = LimitRule.Judge(limits, point.Value, state.Band, deadband: 0, onDelay: 1);
            state.Band = band;
            if (step is null)
            {
                return null;
            }
            var key = "limit:" + point.Signal;
            if (step.Kind == AssetEventKind.AlertRaised)
            {
                state.Alert = AlertId.For(binding.AssetId, key, point.Timestamp);
            }
            // A cleared alert quotes the limit of the band it left.
            var limit = step.Limit ?? state.Limit!;
            state.Limit = step.Limit;
            var alert = new AlertPayload(state.Alert, AlertKind.Limit, key, point.Signal, null, point.Value, point.Unit ?? limit.Unit, limit,
                step.Previous, Describe(binding, limit, point.Value, step.Level is not null));
            return [AssetEvent.Alert(step.Kind, binding.AssetId, point.Timestamp, binding.Item, binding.Revision, binding.SitePath, limit.Severity, alert)];
        }
    }

    private static string Describe(AssetBinding binding, DesignLimit limit, double value, bool outside)
    {
        var v = value.ToString("R", CultureInfo.InvariantCulture);
        var severity = limit.Severity.ToString().ToLowerInvariant();
        if (!outside)
        {
            return $"{limit.Signal} {v} {limit.Unit} is back within the {severity} limit of {binding.Item} revision {binding.Revision}.";
        }
        var bound = limit.Max is { } max && value > max
            ? $"above {max.ToString("R", CultureInfo.InvariantCulture)}"
            : $"below {limit.Min?.ToString("R", CultureInfo.InvariantCulture)}";
        return $"{limit.Signal} {v} {limit.Unit} is {bound} {limit.Unit}, the {severity} limit of {binding.Item} revision {binding.Revision}.";
    }

    private sealed class SignalState
    {
        public DateTimeOffset LastJudged = DateTimeOffset.MinValue;
        public LimitBand Band;
        public AlertId Alert;
        public DesignLimit? Limit;
    }
}
