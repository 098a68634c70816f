namespace Threadline.Telemetry;

/// <summary>OPC UA / Sparkplug style quality of a measurement, as reported by its source.</summary>
public enum TelemetryQuality
{
    Good,
    Uncertain,
    Bad,
}

/// <summary>
/// One measured value of one signal of one asset. <see cref="Timestamp"/> is the time at source (the device's
/// clock, UTC) and is the time of record; when the source sent none it is the server's arrival time and
/// <see cref="StampedOnArrival"/> says so. <see cref="Source"/> names the sender (device id or Sparkplug
/// group/edge node/device) and, with <see cref="Seq"/>, identifies a retransmission.
/// </summary>
public sealed record TelemetryPoint(
    string AssetId,
    string Signal,
    DateTimeOffset Timestamp,
    double Value,
    string? Unit,
    TelemetryQuality Quality,
    string Source,
    long? Seq = null,
    bool StampedOnArrival = false);
