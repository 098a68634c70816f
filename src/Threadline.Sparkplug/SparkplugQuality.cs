namespace Threadline.Sparkplug;

/// <summary>
/// The quality a metric's "Quality" property reports (spec 6.4.9.1: 0 bad, 192 good, 500 stale; the OPC DA quality
/// byte from other senders), read by <see cref="SparkplugHost"/>. Good when the metric has no such property.
/// </summary>
public enum SparkplugQuality
{
    Good,
    Uncertain,
    Bad,
}
