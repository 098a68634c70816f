namespace Threadline.Prediction.Anomaly;

/// <summary>
/// A NAB application profile: the weight of a detected window (A_TP), of a false positive (A_FP) and of a missed window (A_FN).
/// Values from Lavin and Ahmad (2015) and NAB's config/profiles.json.
/// </summary>
public sealed record NabProfile(string Name, double TpWeight, double FpWeight, double FnWeight)
{
    /// <summary>The profile NAB ranks detectors by.</summary>
    public static NabProfile Standard { get; } = new("standard", 1.0, 0.11, 1.0);

    /// <summary>For users who would rather miss an anomaly than be paged for nothing.</summary>
    public static NabProfile RewardLowFalsePositives { get; } = new("reward_low_FP_rate", 1.0, 0.22, 1.0);

    /// <summary>For users who would rather be paged for nothing than miss an anomaly.</summary>
    public static NabProfile RewardLowFalseNegatives { get; } = new("reward_low_FN_rate", 1.0, 0.11, 2.0);

    /// <summary>The three published profiles.</summary>
    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositives, RewardLowFalseNegatives];
}
