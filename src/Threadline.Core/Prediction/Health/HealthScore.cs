namespace Threadline.Prediction.Health;

/// <summary>
/// A unit's health in 0..1 (1 = as new) and what it is made of: the chance that no declared failure mode is present, and
/// how much of the planning horizon the remaining useful life still covers.
/// </summary>
public sealed record HealthAssessment(double Score, double NoFailureProbability, double? LifeFraction, FailureModeAssessment? MostLikely);

/// <summary>
/// Combines failure-mode probabilities with RUL: health = Π (1 - p_mode) · min(1, RUL / horizon). The product reads as
/// "nothing is failing and there is life left"; a unit with a full horizon of life and no evidence of any mode scores
/// close to 1 (the priors keep it just under). Without an RUL the life term is left out.
/// </summary>
public static class HealthScore
{
    /// <summary>Combines assessed modes and an optional RUL (any unit, the same as <paramref name="horizon"/>).</summary>
    public static HealthAssessment Combine(IReadOnlyList<FailureModeAssessment> modes, double? remainingUsefulLife, double horizon)
    {
        if (horizon <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The planning horizon must be positive.");
        }

        var noFailure = modes.Aggregate(1.0, (acc, m) => acc * (1 - Math.Clamp(m.Probability, 0, 1)));
        double? life = remainingUsefulLife is { } rul ? Math.Clamp(rul / horizon, 0, 1) : null;
        var mostLikely = modes.OrderByDescending(m => m.Probability).FirstOrDefault();
        return new HealthAssessment(noFailure * (life ?? 1), noFailure, life, mostLikely);
    }
}
