namespace Threadline.Sparkplug;

/// <summary>The reasons a <see cref="SparkplugDeadLetter"/> can carry; stable strings, meant for metrics and logs.</summary>
public static class SparkplugDeadLetterReasons
{
    public const string MalformedTopic = "malformed-topic";
    public const string UnknownMessageType = "unknown-message-type";
    public const string MalformedPayload = "malformed-payload";
    public const string NotBorn = "not-born";
    public const string UnknownAlias = "unknown-alias";
    public const string UnknownMetric = "unknown-metric";
    public const string DuplicateAlias = "duplicate-alias";
    public const string StaleDeath = "stale-death";
}
