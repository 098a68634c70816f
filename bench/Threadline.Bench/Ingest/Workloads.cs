using System.Globalization;
using System.Text;
using Google.Protobuf;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Sparkplug.Protobuf;
using Metric = Threadline.Sparkplug.Protobuf.Payload.Types.Metric;

namespace Threadline.Bench.Ingest;

/// <summary>
/// What one kind of publisher sends: the messages that open a session (births), then one data message after another.
/// <see cref="Next"/> is called in publish order for each publisher, so per-publisher state (Sparkplug seq) follows
/// the order on the wire. Every point of a run has its own timestamp per series, so the store keeps each one.
/// </summary>
internal abstract class Workload
{
    /// <summary>First point timestamp of the run; index i of a publisher is at Origin + i ms.</summary>
    public static readonly DateTimeOffset Origin = new(2026, 3, 14, 0, 0, 0, TimeSpan.Zero);

    public abstract string Name { get; }

    public abstract int PointsPerMessage { get; }

    /// <summary>QoS of the data messages (births always go at QoS 1, acknowledged before data starts).</summary>
    public MqttQualityOfServiceLevel DataQos { get; set; } = MqttQualityOfServiceLevel.AtLeastOnce;

    /// <summary>Points the births of one publisher's session carry (stored like data).</summary>
    public virtual int PointsPerSession => 0;

    /// <summary>Topic filter a plain subscriber uses to receive the data messages.</summary>
    public abstract string SubscriptionFilter { get; }

    /// <summary>True for the data messages a ceiling subscriber counts (births are not counted).</summary>
    public abstract bool IsData(string topic);

    /// <summary>The messages that start a session of <paramref name="publisher"/>; their points are stamped at <paramref name="birthIndex"/>.</summary>
    public virtual IReadOnlyList<MqttApplicationMessage> Open(int publisher, long birthIndex, string topicRoot) => [];

    public abstract MqttApplicationMessage Next(int publisher, long index, string topicRoot);

    /// <summary>The (source, timestamp ticks) the store sees for the message <see cref="Next"/> makes with these arguments.</summary>
    public abstract (string Source, long Ticks) Key(int publisher, long index);

    protected static ulong UnixMs(long index) => (ulong)Origin.AddMilliseconds(index).ToUnixTimeMilliseconds();
}

/// <summary>One point per message: the JSON envelope of docs/uns.md on {prefix}/{site}/{assetId}/{signal}, QoS 1.</summary>
internal sealed class JsonWorkload(IReadOnlyList<string> assetIds, string site) : Workload
{
    public const string Signal = "bearing_vibration_x";

    public override string Name => "single-point JSON";

    public override int PointsPerMessage => 1;

    public override string SubscriptionFilter => IngestBenchmark.Prefix + "/#";

    public override bool IsData(string topic) => true;

    public static string DeviceId(int publisher) => $"bench-dev-{publisher}";

    public override (string Source, long Ticks) Key(int publisher, long index) => (DeviceId(publisher), Origin.AddMilliseconds(index).UtcTicks);

    public override MqttApplicationMessage Next(int publisher, long index, string topicRoot)
    {
        var at = Origin.AddMilliseconds(index);
        var json = $$"""{"timestamp":"{{at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}}","source":{"device_id":"{{DeviceId(publisher)}}"},"measurement":{"name":"{{Signal}}","value":{{(index % 500 / 100.0).ToString(CultureInfo.InvariantCulture)}},"unit":"mm/s","quality":"Good"},"seq":{{index}}}""";
        return new MqttApplicationMessageBuilder()
            .WithTopic($"{topicRoot}{IngestBenchmark.Prefix}/{site}/{assetIds[publisher]}/{Signal}")
            .WithPayload(Encoding.UTF8.GetBytes(json))
            .WithQualityOfServiceLevel(DataQos)
            .Build();
    }
}

/// <summary>
/// Each publisher is a Sparkplug B 3.0 edge node "edge-{p}" of group "bench" with <c>devices</c> devices
/// "pump-{d}": NBIRTH (seq 0, bdSeq one more per session), one DBIRTH per device declaring the metrics by name with
/// aliases and a value, then DDATA of all metrics by alias only, doubles, seq one more per message modulo 256,
/// devices in turn. Built with Threadline.Sparkplug's generated protobuf classes, stamped by index rather than by a clock.
/// DDATA goes at QoS 1 (the specification asks for QoS 0) so that the PUBACK, which the embedded broker sends only
/// once the points are stored, measures publish-to-stored and paces the publisher.
/// </summary>
internal sealed class SparkplugWorkload : Workload
{
    public const string Group = "bench";

    // The first four are the demo pump's signals with design limits, so the limit check runs on real limits.
    private static readonly string[] KnownSignals = ["bearing_vibration_x", "bearing_temperature", "flow", "inlet_pressure_margin"];

    private readonly int _devices;
    private readonly int _metrics;
    private readonly string[] _metricNames;
    private readonly Node[] _nodes;

    public SparkplugWorkload(int publishers, int devices, int metrics)
    {
        _devices = devices;
        _metrics = metrics;
        _metricNames = [.. Enumerable.Range(0, metrics).Select(m => "Pump/" + (m < KnownSignals.Length ? KnownSignals[m] : $"signal_{m:00}"))];
        _nodes = [.. Enumerable.Range(0, publishers).Select(_ => new Node())];
    }

    public override string Name => $"Sparkplug B DDATA × {_metrics}";

    public override int PointsPerMessage => _metrics;

    public override int PointsPerSession => _devices * _metrics;

    public override string SubscriptionFilter => "spBv1.0/#";

    public override bool IsData(string topic) => topic.Contains("/DDATA/", StringComparison.Ordinal);

    public static string EdgeNode(int publisher) => $"edge-{publisher}";

    public static string Device(int device) => $"pump-{device}";

    /// <summary>The IoT device id an asset is registered with: "{group}/{edge node}/{device}".</summary>
    public static string IotDeviceId(int publisher, int device) => $"{Group}/{EdgeNode(publisher)}/{Device(device)}";

    /// <summary>The signal a metric is stored under: the last '/' segment of its name.</summary>
    public override (string Source, long Ticks) Key(int publisher, long index) =>
        (IotDeviceId(publisher, (int)(index % _devices)), Origin.AddMilliseconds(index).UtcTicks);

    public string Signal(int metric) => _metricNames[metric][(_metricNames[metric].LastIndexOf('/') + 1)..];

    public override IReadOnlyList<MqttApplicationMessage> Open(int publisher, long birthIndex, string topicRoot)
    {
        var node = _nodes[publisher];
        node.BdSeq = (node.BdSeq + 1) % 256;
        var prefix = $"{topicRoot}spBv1.0/{Group}";
        var birth = new Payload { Timestamp = UnixMs(birthIndex), Seq = 0 };
        birth.Metrics.Add(new Metric { Name = "bdSeq", Datatype = (uint)DataType.Int64, LongValue = node.BdSeq });
        node.Seq = 1;
        var messages = new List<MqttApplicationMessage> { Build($"{prefix}/NBIRTH/{EdgeNode(publisher)}", birth) };
        for (var d = 0; d < _devices; d++)
        {
            var payload = new Payload { Timestamp = UnixMs(birthIndex), Seq = node.NextSeq() };
            for (var m = 0; m < _metrics; m++)
            {
                payload.Metrics.Add(new Metric
                {
                    Name = _metricNames[m], Alias = Alias(d, m), Timestamp = UnixMs(birthIndex), Datatype = (uint)DataType.Double, DoubleValue = Value(m, birthIndex),
                });
            }
            messages.Add(Build($"{prefix}/DBIRTH/{EdgeNode(publisher)}/{Device(d)}", payload));
        }
        return messages;
    }

    public override MqttApplicationMessage Next(int publisher, long index, string topicRoot)
    {
        var node = _nodes[publisher];
        var device = (int)(index % _devices);
        var at = UnixMs(index);
        var payload = new Payload { Timestamp = at, Seq = node.NextSeq() };
        for (var m = 0; m < _metrics; m++)
        {
            payload.Metrics.Add(new Metric { Alias = Alias(device, m), Timestamp = at, Datatype = (uint)DataType.Double, DoubleValue = Value(m, index) });
        }
        return Build($"{topicRoot}spBv1.0/{Group}/DDATA/{EdgeNode(publisher)}/{Device(device)}", payload, DataQos);
    }

    private ulong Alias(int device, int metric) => (ulong)(device * _metrics + metric + 1);

    // Inside the demo pump's limits (vibration under 2.8 mm/s, flow 12 to 60 m³/h, pressure margin above 1 m),
    // so the limit check runs on every point without writing a crossing for each.
    private static double Value(int metric, long index) => metric switch
    {
        0 => 1.0 + index % 100 / 100.0,
        1 => 60 + index % 10,
        2 => 30 + index % 10,
        3 => 2 + index % 10 / 10.0,
        _ => metric + index % 1000 / 1000.0,
    };

    private static MqttApplicationMessage Build(string topic, Payload payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) => new MqttApplicationMessageBuilder()
        .WithTopic(topic)
        .WithPayload(payload.ToByteArray())
        .WithQualityOfServiceLevel(qos)
        .Build();

    private sealed class Node
    {
        public ulong BdSeq { get; set; } = 255;

        public int Seq { get; set; }

        public ulong NextSeq()
        {
            var seq = Seq;
            Seq = (Seq + 1) % 256;
            return (ulong)seq;
        }
    }
}
