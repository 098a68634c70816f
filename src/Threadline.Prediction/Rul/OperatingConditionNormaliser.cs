namespace Threadline.Prediction.Rul;

/// <summary>
/// Puts sensor readings taken at different operating conditions on one scale: each reading becomes a z-score against the
/// training mean and standard deviation of that sensor at the same condition. Conditions are keyed by rounded settings
/// (altitude to 1 kft, Mach to 0.01, throttle to 1°), which separates the six C-MAPSS regimes of FD002/FD004 and folds FD001/FD003 into one.
/// Sensors that carry no information (at most a few distinct values in every condition) are dropped.
/// </summary>
public sealed class OperatingConditionNormaliser
{
    // A sensor with this few distinct values within every condition is a constant with rounding jitter, not a signal.
    private const int MaxDistinctForFlat = 3;

    private readonly Dictionary<string, (double[] Mean, double[] Std)> _byCondition;
    private readonly (double[] Mean, double[] Std) _global;

    private OperatingConditionNormaliser(
        int[] keptSensors, Dictionary<string, (double[] Mean, double[] Std)> byCondition, (double[] Mean, double[] Std) global)
    {
        KeptSensors = keptSensors;
        _byCondition = byCondition;
        _global = global;
    }

    /// <summary>Zero-based indices of the sensors that survive, in the order of the normalised vector.</summary>
    public IReadOnlyList<int> KeptSensors { get; }

    /// <summary>Number of distinct operating conditions seen in training.</summary>
    public int ConditionCount => _byCondition.Count;

    /// <summary>The condition key of a settings vector.</summary>
    public static string ConditionKey(double[] settings)
    {
        var altitude = settings.Length > 0 ? Math.Round(settings[0]) : 0;
        var mach = settings.Length > 1 ? Math.Round(settings[1], 2) : 0;
        var throttle = settings.Length > 2 ? Math.Round(settings[2]) : 0;
        return FormattableString.Invariant($"{altitude}|{mach}|{throttle}");
    }

    /// <summary>Learns per-condition statistics and the informative sensors from training histories.</summary>
    public static OperatingConditionNormaliser Fit(IEnumerable<UnitHistory> histories)
    {
        var rows = histories.SelectMany(h => h.Cycles).ToList();
        if (rows.Count == 0)
        {
            throw new ArgumentException("No cycles to learn from.", nameof(histories));
        }

        var sensorCount = rows[0].Sensors.Length;
        var groups = rows.GroupBy(r => ConditionKey(r.Settings)).ToList();
        var informative = new bool[sensorCount];
        var byCondition = new Dictionary<string, (double[] Mean, double[] Std)>();
        foreach (var group in groups)
        {
            var members = group.ToList();
            byCondition[group.Key] = Moments(members, sensorCount);
            for (var s = 0; s < sensorCount; s++)
            {
                if (members.Select(m => m.Sensors[s]).Distinct().Skip(MaxDistinctForFlat).Any())
                {
                    informative[s] = true;
                }
            }
        }

        var kept = Enumerable.Range(0, sensorCount).Where(s => informative[s]).ToArray();
        return new OperatingConditionNormaliser(kept, byCondition, Moments(rows, sensorCount));
    }

    /// <summary>The z-scores of the kept sensors of one cycle. Unknown conditions fall back to the pooled statistics.</summary>
    public double[] Normalise(CycleObservation cycle)
    {
        var (mean, std) = _byCondition.TryGetValue(ConditionKey(cycle.Settings), out var stats) ? stats : _global;
        var z = new double[KeptSensors.Count];
        for (var i = 0; i < z.Length; i++)
        {
            var s = KeptSensors[i];
            z[i] = (cycle.Sensors[s] - mean[s]) / std[s];
        }

        return z;
    }

    private static (double[] Mean, double[] Std) Moments(List<CycleObservation> rows, int sensorCount)
    {
        var mean = new double[sensorCount];
        var std = new double[sensorCount];
        foreach (var r in rows)
        {
            for (var s = 0; s < sensorCount; s++)
            {
                mean[s] += r.Sensors[s];
            }
        }

        for (var s = 0; s < sensorCount; s++)
        {
            mean[s] /= rows.Count;
        }

        foreach (var r in rows)
        {
            for (var s = 0; s < sensorCount; s++)
            {
                var d = r.Sensors[s] - mean[s];
                std[s] += d * d;
            }
        }

        for (var s = 0; s < sensorCount; s++)
        {
            // A floor keeps a sensor that is constant within one condition from dividing by zero.
            std[s] = Math.Max(Math.Sqrt(std[s] / Math.Max(1, rows.Count - 1)), 1e-6);
        }

        return (mean, std);
    }
}
