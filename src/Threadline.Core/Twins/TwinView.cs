namespace Threadline.Twins;

/// <summary>A failure mode as shown to a planner: its probability (0..1) and the declared recommended action.</summary>
public sealed record FailureModeView(string Id, string Name, double Probability, string RecommendedAction);

/// <summary>
/// A twin as the API and the UNS show it (<c>GET /api/twins/{assetId}</c>): the latest value of each signal read, the derived
/// properties that could be computed, aggregates, health (0..1), RUL in days with its interval, failure modes with their
/// actions, and active alerts with evidence and PLM context. Seven-day figures are over the UTC days held, running samples only.
/// </summary>
public sealed record TwinView(
    string AssetId,
    string Item,
    string Revision,
    DateTimeOffset? UpdatedAt,
    bool? Running,
    IReadOnlyDictionary<string, double> State,
    IReadOnlyDictionary<string, double> Derived,
    IReadOnlyDictionary<string, double> SevenDayPeak,
    IReadOnlyDictionary<string, double> SevenDayMean,
    double RunningHours,
    int Starts,
    int Stops,
    double? Health,
    double? RulDays,
    double? RulLowerDays,
    double? RulUpperDays,
    RulBasis RulBasis,
    IReadOnlyList<FailureModeView> FailureModes,
    IReadOnlyList<TwinAlert> Alerts)
{
    public static TwinView Of(TwinState state, TwinModel model)
    {
        var peak = new Dictionary<string, double>(StringComparer.Ordinal);
        var mean = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var signal in state.Signals)
        {
            var count = signal.Days.Sum(d => d.Count);
            if (count > 0)
            {
                peak[signal.Signal] = signal.Days.Max(d => d.Max);
                mean[signal.Signal] = signal.Days.Sum(d => (double)d.Mean * d.Count) / count;
            }
        }

        var derived = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(state.Derived.Length, model.Family.Derived.Count); i++)
        {
            if (state.Derived[i] is { } value)
            {
                derived[model.Family.Derived[i].Name] = value;
            }
        }

        var modes = state.FailureModes
            .Select(m => (Estimate: m, Declared: model.Family.FailureModes.FirstOrDefault(f => f.Id == m.Id)))
            .Where(m => m.Declared is not null)
            .Select(m => new FailureModeView(m.Estimate.Id, m.Declared!.Name, m.Estimate.Probability, m.Declared.RecommendedAction))
            .OrderByDescending(m => m.Probability)
            .ToArray();

        return new TwinView(
            state.AssetId,
            state.Item,
            state.Revision,
            state.UpdatedAt,
            state.Running,
            state.Signals.Where(s => s.Value is not null).ToDictionary(s => s.Signal, s => s.Value!.Value, StringComparer.Ordinal),
            derived,
            peak,
            mean,
            state.RunningHours,
            state.Starts,
            state.Stops,
            state.Health,
            state.Rul.Days,
            state.Rul.Lower,
            state.Rul.Upper,
            state.Rul.Basis,
            modes,
            state.Alerts);
    }
}
