using System.Collections.Immutable;

namespace Threadline.Twins;

public static partial class TwinEngine
{
    /// <summary>
    /// Takes in the unit's configuration: for each declared component replaced (at its position or at an assembly above
    /// it) later than its signals' <see cref="SignalState.EvidenceSince"/>, the wear evidence starts again (docs/twins.md):
    /// <list type="bullet">
    /// <item>the RUL trend and daily-rising rules of those signals use only completed UTC days after the day of the work;</item>
    /// <item>when the replacement is newer than the oldest day the signal holds (so the twin learned from the old part),
    /// their dynamic baseline is learned again and their anomaly alerts are cleared, since the new part's own behaviour is not the old one's;</item>
    /// <item>the correlation rules pointing at the component's failure modes start again, clearing their alerts;</item>
    /// <item>when the RUL signal is among them, the RUL is estimated again at the latest sample (health and failure-mode
    /// probabilities are judged again at the next running sample, from fresh readings).</item>
    /// </list>
    /// Limit alerts stay: the next sample is judged against the limits as usual. Pure and idempotent: the same
    /// configuration taken in twice changes nothing the second time.
    /// </summary>
    public static (TwinState State, IReadOnlyList<TwinEvent> Events) Configure(TwinState state, TwinModel model, TwinConfiguration configuration)
    {
        var events = new List<TwinEvent>();
        var signals = state.Signals;
        var rules = state.Rules;
        var alerts = state.Alerts;
        var rulReset = false;
        foreach (var component in model.Family.Components)
        {
            if (configuration.LastReplacement(component) is not { } replaced)
            {
                continue;
            }
            var reset = false;
            foreach (var name in component.Signals)
            {
                var index = model.IndexOf(name);
                if (index < 0 || signals[index].EvidenceSince >= replaced)
                {
                    continue;
                }
                var signal = signals[index] with { EvidenceSince = replaced };
                if (signal.Days.IsEmpty || DayOf(replaced) >= signal.Days[0].Day)
                {
                    signal = signal with
                    {
                        Baseline = [.. Enumerable.Repeat(default(BaselineCell), signal.Baseline.Length)],
                        Z = null,
                        Anomalous = false,
                        AnomalyStreak = 0,
                    };
                    alerts = Clear(alerts, "anomaly:" + name, state.AssetId, replaced, signal.Value, events);
                }
                signals = signals.SetItem(index, signal);
                rulReset |= index == model.RulSignalIndex;
                reset = true;
            }
            if (!reset)
            {
                continue;
            }
            for (var r = 0; r < model.Family.Rules.Count; r++)
            {
                var rule = model.Family.Rules[r];
                if (rule.FailureMode is { } mode && component.FailureModes.Contains(mode, StringComparer.Ordinal))
                {
                    alerts = Clear(alerts, "rule:" + rule.Id, state.AssetId, replaced, null, events);
                    rules = rules.SetItem(r, default);
                }
            }
        }
        if (signals == state.Signals)
        {
            return (state, []);
        }

        var next = state with { Signals = signals, Rules = rules, Alerts = alerts };
        if (rulReset && model.RulSignalIndex >= 0 && state.UpdatedAt is { } latest)
        {
            next = next with { Rul = EstimateRul(model, signals[model.RulSignalIndex], latest) };
        }
        return (next, events);
    }

    private static ImmutableArray<TwinAlert> Clear(
        ImmutableArray<TwinAlert> alerts, string key, string assetId, DateTimeOffset replaced, double? value, List<TwinEvent> events)
    {
        if (Find(alerts, key) is not { } cleared)
        {
            return alerts;
        }
        // Cleared when the part was changed, or when raised if that was later (a replacement recorded after the fact).
        events.Add(new AlertCleared(assetId, replaced > cleared.At ? replaced : cleared.At, cleared, value ?? cleared.Value));
        return alerts.Remove(cleared);
    }
}
