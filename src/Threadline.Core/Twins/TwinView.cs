namespace Threadline.Twins;

/// <summary>
/// A failure mode as shown to a planner: its probability (0..1) and the declared recommended action.
/// <see cref="Caveat"/> says why the figure is less certain than usual (an unapproved part where the mode acts), else null.
/// </summary>
public sealed record FailureModeView(string Id, string Name, double Probability, string RecommendedAction, string? Caveat = null);

/// <summary>
/// How a monitored component of the unit stands: the BOM items it is, its positions in this unit, the latest replacement there (time of the work, UTC),
/// the instant its signals' wear evidence starts from (<see cref="SignalState.EvidenceSince"/>, the latest of them), and
/// whether an unapproved part sits there (<see cref="Caveat"/> says which).
/// </summary>
public sealed record ComponentView(
    string Id,
    string Name,
    IReadOnlyList<string> Items,
    IReadOnlyList<string> Positions,
    IReadOnlyList<string> Signals,
    IReadOnlyList<string> FailureModes,
    DateTimeOffset? ReplacedAt,
    DateTimeOffset? EvidenceSince,
    bool Unapproved,
    string? Caveat);

/// <summary>
/// The <c>configuration</c> section of a twin: every position of the unit on <see cref="At"/> (server clock, UTC), from
/// its as-designed structure, as-built record and replacements, and the family's monitored components on it.
/// </summary>
public sealed record ConfigurationView(DateTimeOffset At, bool AsBuiltRecorded, IReadOnlyList<TwinPosition> Positions, IReadOnlyList<ComponentView> Components)
{
    public static ConfigurationView Of(TwinConfiguration configuration, TwinState state, TwinModel model) =>
        new(configuration.At, configuration.AsBuiltRecorded, configuration.Positions, [.. model.Family.Components.Select(c => new ComponentView(
            c.Id,
            c.Name,
            c.Items,
            configuration.PositionsOf(c),
            c.Signals,
            c.FailureModes,
            configuration.LastReplacement(c),
            c.Signals.Select(s => state.Signal(s)?.EvidenceSince).Max(),
            configuration.UnapprovedAt(c).Any(),
            configuration.CaveatOf(c)))]);
}

/// <summary>
/// A twin as the API and the UNS show it (<c>GET /api/twins/{assetId}</c>): the latest value of each signal read, the derived
/// properties that could be computed, aggregates, health (0..1), RUL in days with its interval, failure modes with their
/// actions, and active alerts with evidence and PLM context. Seven-day figures are over the UTC days held, running samples only.
/// <see cref="Configuration"/> is the unit's configuration the twin works with (null when it has none, as in a view from
/// a snapshot); <see cref="RulCaveat"/> says why the RUL is less certain than usual (an unapproved part where it is measured).
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
    IReadOnlyList<TwinAlert> Alerts,
    string? RulCaveat = null,
    ConfigurationView? Configuration = null)
{
    public static TwinView Of(TwinState state, TwinModel model, TwinConfiguration? configuration = null)
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
            .Select(m => new FailureModeView(m.Estimate.Id, m.Declared!.Name, m.Estimate.Probability, m.Declared.RecommendedAction,
                Caveat(configuration, model, c => c.FailureModes.Contains(m.Estimate.Id, StringComparer.Ordinal))))
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
            state.Alerts,
            Caveat(configuration, model, c => c.Signals.Contains(model.Rul.Signal, StringComparer.Ordinal)),
            configuration is null ? null : ConfigurationView.Of(configuration, state, model));
    }

    private static string? Caveat(TwinConfiguration? configuration, TwinModel model, Func<TwinComponent, bool> concerns)
    {
        if (configuration is null)
        {
            return null;
        }
        var caveats = model.Family.Components.Where(concerns).Select(configuration.CaveatOf).OfType<string>().ToArray();
        return caveats.Length == 0 ? null : string.Join(" ", caveats);
    }
}
