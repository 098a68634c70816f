using Google.Protobuf;
using Threadline.Sparkplug.Protobuf;
using Metric = Threadline.Sparkplug.Protobuf.Payload.Types.Metric;

namespace Threadline.Sparkplug;

/// <summary>
/// The messages a Sparkplug B 3.0 edge node publishes, built with the session state they depend on: NBIRTH with bdSeq
/// and seq 0, births that give each metric an alias, DATA that carries aliases only, seq one more per message modulo
/// 256, NDEATH (the MQTT will) with the birth's bdSeq. Publishing them is the caller's: each message says its QoS and
/// retain flag (spec 4.2, 4.3: NDEATH at QoS 1, everything else QoS 0, nothing retained). Timestamps come from the
/// given clock (UTC milliseconds). Metric values: double, float, int, long, ulong, bool and string. Not thread-safe:
/// one publisher builds one node's messages in the order it sends them, since seq follows the order on the wire.
/// </summary>
public sealed class SparkplugEdgeNode(string groupId, string edgeNodeId, TimeProvider timeProvider)
{
    private readonly Dictionary<(string? Device, string Metric), ulong> _aliases = [];
    private ulong _nextAlias = 1;
    private int _seq;

    public string GroupId { get; } = groupId;

    public string EdgeNodeId { get; } = edgeNodeId;

    /// <summary>The bdSeq of the current MQTT session (0 to 255); <see cref="Reconnect"/> moves it on.</summary>
    public ulong BdSeq { get; private set; }

    /// <summary>NBIRTH with seq 0 and the current bdSeq (spec 6.4.19, 4.2.1.1.2); node metrics get aliases.</summary>
    public SparkplugOutgoingMessage NodeBirth(params (string Name, object Value)[] metrics)
    {
        _seq = 0;
        var payload = NewPayload(NextSeq());
        foreach (var (name, value) in metrics)
        {
            payload.Metrics.Add(Birth(null, name, value));
        }
        payload.Metrics.Add(new Metric { Name = SparkplugHost.BdSeqMetric, Datatype = (uint)DataType.Int64, LongValue = BdSeq });
        return Message(SparkplugMessageType.NBirth, null, payload);
    }

    /// <summary>Starts a new MQTT session: a 3.0 node moves bdSeq on (spec 4.2.1.1.2), a pre-3.0 node (like Tahu JS) does not.</summary>
    public void Reconnect(bool incrementBdSeq = true)
    {
        if (incrementBdSeq)
        {
            BdSeq = (BdSeq + 1) % 256;
        }
    }

    /// <summary>
    /// NDEATH with the current bdSeq, to set as the will of the CONNECT that starts the session; it carries no seq
    /// (spec 4.2.1.3.2). <paramref name="bdSeq"/> overrides the session's, as a late will of an older session has it.
    /// </summary>
    public SparkplugOutgoingMessage NodeDeath(ulong? bdSeq = null)
    {
        var payload = new Payload { Timestamp = Now() };
        payload.Metrics.Add(new Metric { Name = SparkplugHost.BdSeqMetric, Datatype = (uint)DataType.Int64, LongValue = bdSeq ?? BdSeq });
        return Message(SparkplugMessageType.NDeath, null, payload);
    }

    /// <summary>NDATA: node metrics by alias only, as the birth assigned them.</summary>
    public SparkplugOutgoingMessage NodeData(params (string Name, object Value)[] metrics) =>
        Data(SparkplugMessageType.NData, null, metrics);

    /// <summary>DBIRTH: every metric by name with an alias, and its current value.</summary>
    public SparkplugOutgoingMessage DeviceBirth(string deviceId, params (string Name, object Value)[] metrics)
    {
        var payload = NewPayload(NextSeq());
        foreach (var (name, value) in metrics)
        {
            payload.Metrics.Add(Birth(deviceId, name, value));
        }
        return Message(SparkplugMessageType.DBirth, deviceId, payload);
    }

    /// <summary>DDATA: device metrics by alias only, as the birth assigned them.</summary>
    public SparkplugOutgoingMessage DeviceData(string deviceId, params (string Name, object Value)[] metrics) =>
        Data(SparkplugMessageType.DData, deviceId, metrics);

    public SparkplugOutgoingMessage DeviceDeath(string deviceId) =>
        Message(SparkplugMessageType.DDeath, deviceId, NewPayload(NextSeq()));

    /// <summary>
    /// A message of the given type at the next seq whose metrics the caller adds, for what the typed methods do not
    /// say (datasets, properties, historical values). Not for NBIRTH or NDEATH, whose seq and bdSeq rules differ.
    /// </summary>
    public SparkplugOutgoingMessage Message(SparkplugMessageType type, string? deviceId, Action<Payload> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (type is SparkplugMessageType.NBirth or SparkplugMessageType.NDeath or SparkplugMessageType.State)
        {
            throw new ArgumentOutOfRangeException(nameof(type), $"{type} has its own method or is not an edge node's message.");
        }
        var payload = NewPayload(NextSeq());
        build(payload);
        return Message(type, deviceId, payload);
    }

    /// <summary>The alias the births assigned to a metric of the node (<paramref name="deviceId"/> null) or of a device.</summary>
    public ulong AliasOf(string? deviceId, string metric) => _aliases[(deviceId, metric)];

    private SparkplugOutgoingMessage Data(SparkplugMessageType type, string? deviceId, (string Name, object Value)[] metrics)
    {
        var payload = NewPayload(NextSeq());
        foreach (var (name, value) in metrics)
        {
            var metric = new Metric { Alias = AliasOf(deviceId, name), Timestamp = Now() };
            SetValue(metric, value);
            payload.Metrics.Add(metric);
        }
        return Message(type, deviceId, payload);
    }

    private SparkplugOutgoingMessage Message(SparkplugMessageType type, string? deviceId, Payload payload) =>
        new(new SparkplugTopic(type, GroupId, EdgeNodeId, deviceId).ToString(), payload.ToByteArray(),
            QualityOfService: type == SparkplugMessageType.NDeath ? 1 : 0, Retain: false);

    private Metric Birth(string? deviceId, string name, object value)
    {
        // Spec 6.4.6: an alias is unique within the edge node, devices included, and a rebirth keeps it.
        if (!_aliases.TryGetValue((deviceId, name), out var alias))
        {
            alias = _nextAlias++;
            _aliases[(deviceId, name)] = alias;
        }
        var metric = new Metric { Name = name, Alias = alias, Timestamp = Now() };
        SetValue(metric, value);
        return metric;
    }

    private static void SetValue(Metric metric, object value)
    {
        // Spec 6.4.17: signed integers travel as two's complement in the unsigned fields.
        switch (value)
        {
            case double d:
                metric.Datatype = (uint)DataType.Double;
                metric.DoubleValue = d;
                break;
            case float f:
                metric.Datatype = (uint)DataType.Float;
                metric.FloatValue = f;
                break;
            case int i:
                metric.Datatype = (uint)DataType.Int32;
                metric.IntValue = unchecked((uint)i);
                break;
            case long l:
                metric.Datatype = (uint)DataType.Int64;
                metric.LongValue = unchecked((ulong)l);
                break;
            case ulong u:
                metric.Datatype = (uint)DataType.Uint64;
                metric.LongValue = u;
                break;
            case bool b:
                metric.Datatype = (uint)DataType.Boolean;
                metric.BooleanValue = b;
                break;
            case string s:
                metric.Datatype = (uint)DataType.String;
                metric.StringValue = s;
                break;
            default:
                throw new ArgumentException($"No Sparkplug type for {value.GetType()}.", nameof(value));
        }
    }

    private Payload NewPayload(int seq) => new() { Timestamp = Now(), Seq = (ulong)seq };

    private int NextSeq()
    {
        var seq = _seq;
        _seq = (_seq + 1) % 256;
        return seq;
    }

    private ulong Now() => (ulong)timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
