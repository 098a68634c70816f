namespace Threadline.Sparkplug;

/// <summary>An MQTT message the host wants published: a rebirth command, or its own STATE.</summary>
public sealed record SparkplugOutgoingMessage(string Topic, ReadOnlyMemory<byte> Payload, int QualityOfService, bool Retain);
