namespace Threadline.Sparkplug;

/// <summary>
/// An edge node (<see cref="DeviceId"/> null) or a device going online or offline. <see cref="Timestamp"/> (UTC)
/// is the payload's timestamp for a birth or a DDEATH (spec 5.7), and the host's arrival time for an NDEATH
/// (spec 5.5), whose payload is the MQTT will written when the node connected.
/// </summary>
public sealed record SparkplugPresence(string GroupId, string EdgeNodeId, string? DeviceId, bool Online, DateTimeOffset Timestamp);
