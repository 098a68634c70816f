namespace Threadline.Prediction.Health;

/// <summary>
/// How one signal testifies to a failure mode: its severity rises linearly from 0 at <see cref="Healthy"/> to 1 at
/// <see cref="Failed"/> (either direction: a falling signal has Failed below Healthy), in the signal's own unit.
/// <see cref="Weight"/> in 0..1 is how far that signal alone, fully severe, convinces us the mode is present.
/// </summary>
public sealed record SignalEvidence(string Signal, double Healthy, double Failed, double Weight)
{
    /// <summary>Severity in 0..1 of a reading.</summary>
    public double Severity(double value)
    {
        var span = Failed - Healthy;
        return span == 0 ? (value >= Failed ? 1 : 0) : Math.Clamp((value - Healthy) / span, 0, 1);
    }
}

/// <summary>
/// A declared failure mode: the evidence that points to it, a prior probability (present with no evidence at all), and the
/// action a planner should take when it becomes likely.
/// </summary>
public sealed record FailureModeSignature(string Id, string Name, double Prior, IReadOnlyList<SignalEvidence> Evidence, string RecommendedAction);

/// <summary>The assessed probability of one failure mode, with the signals that were read and the recommended action.</summary>
public sealed record FailureModeAssessment(string Id, string Name, double Probability, int SignalsRead, int SignalsDeclared, string RecommendedAction);

/// <summary>
/// Failure-mode probabilities from declared signatures, by noisy-OR: each signal is an independent reason to believe, so
/// P = 1 - (1 - prior) · Π (1 - weight · severity). A signal with no reading adds no belief either way.
/// </summary>
public static class FailureModes
{
    /// <summary>Assesses every signature against the latest reading of each signal (by signal name, in the signal's unit).</summary>
    public static IReadOnlyList<FailureModeAssessment> Assess(
        IEnumerable<FailureModeSignature> signatures, IReadOnlyDictionary<string, double> readings) =>
        signatures.Select(s => Assess(s, readings)).OrderByDescending(a => a.Probability).ToArray();

    /// <summary>Assesses one signature.</summary>
    public static FailureModeAssessment Assess(FailureModeSignature signature, IReadOnlyDictionary<string, double> readings)
    {
        var notPresent = 1 - Math.Clamp(signature.Prior, 0, 1);
        var read = 0;
        foreach (var evidence in signature.Evidence)
        {
            if (readings.TryGetValue(evidence.Signal, out var value) && double.IsFinite(value))
            {
                read++;
                notPresent *= 1 - Math.Clamp(evidence.Weight, 0, 1) * evidence.Severity(value);
            }
        }

        return new FailureModeAssessment(signature.Id, signature.Name, 1 - notPresent, read, signature.Evidence.Count, signature.RecommendedAction);
    }
}
