using System.Collections.Concurrent;
using System.Globalization;
using Threadline.Features.Assets;
using Threadline.Plm;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Turns design-limit crossings into lifecycle events: one event when a signal leaves a limit band and one when it
/// comes back, not one per point outside. State is per asset, signal and limit, in memory, so after a restart the
/// first point outside a band is reported again. Points are judged in arrival order; a point older (time at source)
/// than the last one judged for that signal is stored but does not flip the state, so a late retransmission cannot
/// report a crossing that is already over.
/// </summary>
internal sealed class LimitMonitor
{
    public const string Kind = "limit-crossed";

    private readonly ConcurrentDictionary<(string Asset, string Signal), SignalState> _states = new();

    public List<AssetLifecycleEvent>? Evaluate(AssetBinding binding, TelemetryPoint point)
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
        var state = _states.GetOrAdd((point.AssetId, point.Signal), _ => new SignalState());
        List<AssetLifecycleEvent>? events = null;
        lock (state)
        {
            if (point.Timestamp < state.LastJudged)
            {
                return null;
            }
            state.LastJudged = point.Timestamp;
            foreach (var limit in limits)
            {
                var outside = limit.IsCrossedBy(point.Value);
                var wasOutside = state.Outside.Contains(limit);
                if (outside == wasOutside)
                {
                    continue;
                }
                if (outside)
                {
                    state.Outside.Add(limit);
                }
                else
                {
                    state.Outside.Remove(limit);
                }
                (events ??= []).Add(new AssetLifecycleEvent(
                    binding.AssetId, Kind, point.Timestamp, binding.Item, binding.Revision,
                    point.Signal, point.Value, point.Unit ?? limit.Unit, limit.Min, limit.Max, limit.Severity.ToString(),
                    Describe(limit, point.Value, outside)));
            }
        }
        return events;
    }

    private static string Describe(DesignLimit limit, double value, bool outside)
    {
        var v = value.ToString("R", CultureInfo.InvariantCulture);
        if (!outside)
        {
            return $"direction=in: {limit.Signal} {v} {limit.Unit} back within the {limit.Severity} limit";
        }
        var bound = limit.Max is { } max && value > max
            ? $"above max {max.ToString("R", CultureInfo.InvariantCulture)}"
            : $"below min {limit.Min?.ToString("R", CultureInfo.InvariantCulture)}";
        return $"direction=out: {limit.Signal} {v} {limit.Unit} {bound} ({limit.Severity})";
    }

    private sealed class SignalState
    {
        public DateTimeOffset LastJudged = DateTimeOffset.MinValue;
        public readonly HashSet<DesignLimit> Outside = [];
    }
}
