namespace Threadline.Sparkplug;

/// <summary>
/// Why a message, or one metric of it, could not be used. <see cref="Reason"/> is one of
/// <see cref="SparkplugDeadLetterReasons"/>; <see cref="Detail"/> is for a human.
/// </summary>
public sealed record SparkplugDeadLetter(string Reason, string Detail);
