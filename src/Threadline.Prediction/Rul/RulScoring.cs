namespace Threadline.Prediction.Rul;

/// <summary>
/// Error measures for remaining-useful-life predictions, both in cycles.
/// The NASA score is the asymmetric one from Saxena et al. (2008, PHM'08 challenge): late predictions
/// (predicted RUL above the true one) are punished harder than early ones, because a late call means a failure in service.
/// </summary>
public static class RulScoring
{
    /// <summary>Root mean square error in cycles.</summary>
    public static double Rmse(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckLengths(predicted, actual);
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var d = predicted[i] - actual[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / predicted.Count);
    }

    /// <summary>
    /// Sum over units of exp(-d/13)-1 when d &lt; 0 (early) and exp(d/10)-1 when d ≥ 0 (late), with d = predicted - actual in cycles.
    /// Dimensionless, 0 for a perfect prediction, unbounded above.
    /// </summary>
    public static double NasaScore(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckLengths(predicted, actual);
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            sum += NasaPenalty(predicted[i] - actual[i]);
        }

        return sum;
    }

    /// <summary>The penalty of one unit whose prediction is off by <paramref name="error"/> cycles (predicted - actual).</summary>
    public static double NasaPenalty(double error) =>
        error < 0 ? Math.Exp(-error / 13.0) - 1.0 : Math.Exp(error / 10.0) - 1.0;

    private static void CheckLengths(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        if (predicted.Count != actual.Count)
        {
            throw new ArgumentException($"predicted has {predicted.Count} values but actual has {actual.Count}.", nameof(actual));
        }

        if (predicted.Count == 0)
        {
            throw new ArgumentException("At least one prediction is needed.", nameof(predicted));
        }
    }
}
