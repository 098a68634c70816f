using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>
/// The twin model of one unit: the model compiled from its revision's twin model document, bound to the design limits of
/// that PLM revision (so a unit at revision C is judged against C's limits and one at D against D's). Immutable; build it again
/// when the unit's revision changes and carry the state over with <see cref="TwinState.Rebind"/>.
/// </summary>
public sealed class TwinModel
{
    private readonly Dictionary<string, int> _signalIndex;
    private readonly DesignLimit[][] _limits;

    private TwinModel(TwinFamilyModel family, string item, string revision, DesignLimit[][] limits)
    {
        Family = family;
        Item = item;
        Revision = revision;
        _limits = limits;
        _signalIndex = family.Signals.Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        Rul = family.Rul ?? NoRul;
        RulSignalIndex = IndexOf(Rul.Signal);
        BaselineSignalIndex = IndexOf(family.Baseline.Signal);
        AlwaysRunning = family.Running is null;
        RunningSignals = [.. (family.Running?.AnyAbove ?? []).Select(r => (IndexOf(r.Signal), r.Threshold)).Where(r => r.Item1 >= 0)];
        var inputsOfModes = family.FailureModes.SelectMany(m => m.Evidence).Select(e => e.Signal);
        AssessedSignals = [.. family.Signals.Select(s => inputsOfModes.Contains(s.Name, StringComparer.Ordinal) || s.Name == Rul.Signal)];
        DerivedInputs = [.. family.Signals.Select(s => family.Derived.Any(d => d.Inputs.Contains(s.Name, StringComparer.Ordinal)))];
        DerivedOrder = family.DerivedOrder.Count == family.Derived.Count ? [.. family.DerivedOrder] : [.. Enumerable.Range(0, family.Derived.Count)];
    }

    public TwinFamilyModel Family { get; }

    /// <summary>PLM item number of the product.</summary>
    public string Item { get; }

    /// <summary>Revision code whose design limits this model carries.</summary>
    public string Revision { get; }

    public IReadOnlyList<TwinSignal> Signals => Family.Signals;

    /// <summary>The RUL rule; a model that declares none has one on no signal, which never gives a figure.</summary>
    public RulRule Rul { get; }

    private static readonly RulRule NoRul = new("", 180);

    internal int RulSignalIndex { get; }

    /// <summary>True when the model declares no running rule: every sample is judged as the unit running.</summary>
    internal bool AlwaysRunning { get; }

    internal int[] DerivedOrder { get; }

    internal int BaselineSignalIndex { get; }

    internal (int Index, double Threshold)[] RunningSignals { get; }

    internal bool[] AssessedSignals { get; }

    internal bool[] DerivedInputs { get; }

    /// <summary>
    /// Binds a compiled model to the revision of a unit. Limits on signals the model does not declare are left out (the twin
    /// does not measure them); a limit in another unit than the declared signal is refused, since its thresholds would be wrong.
    /// </summary>
    public static TwinModel For(TwinFamilyModel family, string item, ItemRevision revision)
    {
        var limits = new DesignLimit[family.Signals.Count][];
        for (var i = 0; i < limits.Length; i++)
        {
            var signal = family.Signals[i];
            var ofSignal = revision.Limits.Where(l => string.Equals(l.Signal, signal.Name, StringComparison.Ordinal)).ToArray();
            foreach (var limit in ofSignal)
            {
                if (!SameUnit(limit.Unit, signal.Unit))
                {
                    throw PlmRuleException.Invalid(
                        "twin-limit-unit",
                        $"Revision {revision.Code} of {item} limits {signal.Name} in '{limit.Unit}', but its twin model measures it in '{signal.Unit}'.");
                }
            }
            limits[i] = ofSignal;
        }
        return new TwinModel(family, item, revision.Code, limits);
    }

    /// <summary>Binds a family to a revision of an item by code.</summary>
    public static TwinModel For(TwinFamilyModel family, Item item, string revisionCode) =>
        For(family, item.Number, item.GetRevision(revisionCode));

    /// <summary>Position of a signal in <see cref="Signals"/>, or -1.</summary>
    public int IndexOf(string signal) => _signalIndex.TryGetValue(signal, out var i) ? i : -1;

    /// <summary>The design limits of the unit's revision on a signal (empty when none or not declared).</summary>
    public IReadOnlyList<DesignLimit> LimitsOf(string signal) => IndexOf(signal) is var i and >= 0 ? _limits[i] : [];

    internal DesignLimit[] LimitsAt(int index) => _limits[index];

    /// <summary>The maximum of the most severe limit with a maximum on a signal (critical before warning), or null.</summary>
    public DesignLimit? UpperLimit(string signal) =>
        LimitsOf(signal).Where(l => l.Max is not null).OrderByDescending(l => l.Severity).FirstOrDefault();

    /// <summary>
    /// Refuses limits that a document's twin could not judge: a limit on a signal the document declares must be in that
    /// signal's unit. Checked whenever either changes on a Draft, so a released revision always binds.
    /// </summary>
    public static void RequireLimitUnits(TwinModelDocument document, IReadOnlyList<DesignLimit> limits, string item, string revision)
    {
        foreach (var limit in limits)
        {
            var signal = document.Signals.FirstOrDefault(s => string.Equals(s.Name, limit.Signal, StringComparison.Ordinal));
            if (signal is not null && !SameUnit(limit.Unit, signal.Unit ?? ""))
            {
                throw PlmRuleException.Invalid(
                    "twin-limit-unit",
                    $"Revision {revision} of {item} limits {signal.Name} in '{limit.Unit}', but its twin model measures it in '{signal.Unit}'.");
            }
        }
    }

    private static bool SameUnit(string a, string b) => string.Equals(Normalise(a), Normalise(b), StringComparison.OrdinalIgnoreCase);

    // PLM exports spell superscripts and degrees in ASCII as often as not.
    private static string Normalise(string unit) =>
        unit.Trim().Replace("³", "3", StringComparison.Ordinal).Replace("°", "deg", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
}
