namespace Threadline.Sparkplug;

/// <summary>A host's STATE birth and will for one MQTT session; see <see cref="SparkplugHost.CreateStateMessages"/>.</summary>
public sealed record SparkplugStateMessages(SparkplugOutgoingMessage Online, SparkplugOutgoingMessage Offline);
