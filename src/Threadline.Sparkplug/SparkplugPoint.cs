namespace Threadline.Sparkplug;

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
    SparkplugQuality Quality,
    long? Seq,
    bool IsHistorical)
{
    /// <summary>"group/edge node[/device]": the sender, unique in any plant.</summary>
    public string Source => DeviceId is null ? $"{GroupId}/{EdgeNodeId}" : $"{GroupId}/{EdgeNodeId}/{DeviceId}";
}
