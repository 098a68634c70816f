using Threadline.Telemetry;

namespace Threadline.Features.Ingestion.Sparkplug;

/// <summary>
/// One numeric metric value from an edge node or device. <see cref="Timestamp"/> is the time at source (UTC):
/// the metric's own timestamp, else the payload's, else the host's arrival time, in which case
/// <see cref="StampedOnArrival"/> is true. <see cref="Seq"/> is the Sparkplug sequence number (0 to 255) of the
/// message that carried it, null when the message had none.
/// </summary>
public sealed record SparkplugPoint(
    string GroupId,
    string EdgeNodeId,
    string? DeviceId,
    string Metric,
    double Value,
    DateTimeOffset Timestamp,
    bool StampedOnArrival,
    TelemetryQuality Quality,
    long? Seq,
    bool IsHistorical)
{
    /// <summary>"group/edge node[/device]": the sender, as <see cref="TelemetryPoint.Source"/> expects it.</summary>
    public string Source => DeviceId is null ? $"{GroupId}/{EdgeNodeId}" : $"{GroupId}/{EdgeNodeId}/{DeviceId}";

    /// <summary>This value as a telemetry point of the asset the caller resolved for <see cref="Source"/>.</summary>
    public TelemetryPoint ToTelemetryPoint(string assetId, string? unit = null) =>
        new(assetId, Metric, Timestamp, Value, unit, Quality, Source, Seq, StampedOnArrival);
}

/// <summary>
/// An edge node (<see cref="DeviceId"/> null) or a device going online or offline. <see cref="Timestamp"/> (UTC)
/// is the payload's timestamp for a birth or a DDEATH (spec 5.7), and the host's arrival time for an NDEATH
/// (spec 5.5), whose payload is the MQTT will written when the node connected.
/// </summary>
public sealed record SparkplugPresence(string GroupId, string EdgeNodeId, string? DeviceId, bool Online, DateTimeOffset Timestamp);

/// <summary>An MQTT message the host wants published: a rebirth command, or its own STATE.</summary>
public sealed record SparkplugOutgoingMessage(string Topic, ReadOnlyMemory<byte> Payload, int QualityOfService, bool Retain);

/// <summary>
/// Why a message, or one metric of it, could not be used. <see cref="Reason"/> is one of
/// <see cref="SparkplugDeadLetterReasons"/>; <see cref="Detail"/> is for a human.
/// </summary>
public sealed record SparkplugDeadLetter(string Reason, string Detail);

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
