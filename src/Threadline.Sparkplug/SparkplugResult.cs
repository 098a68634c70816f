namespace Threadline.Sparkplug;

/// <summary>Everything one received message produced. Lists are empty, never null.</summary>
public sealed record SparkplugResult(
    SparkplugTopic? Topic,
    IReadOnlyList<SparkplugPoint> Points,
    IReadOnlyList<SparkplugPresence> PresenceChanges,
    IReadOnlyList<SparkplugOutgoingMessage> Commands,
    IReadOnlyList<SparkplugDeadLetter> DeadLetters,
    int SkippedNonNumeric,
    bool SequenceGap,
    bool RebirthNeeded)
{
    /// <summary>True when a rebirth was needed but not sent because one went to that edge node recently.</summary>
    public bool RebirthSuppressed => RebirthNeeded && Commands.Count == 0;
}
