using Google.Protobuf;
using Threadline.Features.Ingestion.Sparkplug.Protobuf;
using Metric = Threadline.Features.Ingestion.Sparkplug.Protobuf.Payload.Types.Metric;

namespace Threadline.Testing;

/// <summary>One message as an edge node would publish it.</summary>
public sealed record SparkplugMessage(string Topic, byte[] Payload);

/// <summary>
/// A Sparkplug B 3.0 edge node in memory: builds the topics and payloads a compliant node publishes (NBIRTH with
/// bdSeq and seq 0, births that assign aliases, DATA that carries aliases only, seq one more per message modulo 256,
/// NDEATH with the birth's bdSeq), and on request the faults a host must cope with. Timestamps come from the
/// given clock. Values: double, float, int, long, ulong, bool and string (string is non-numeric on purpose).
/// </summary>
public sealed class SparkplugEdgeNode(string groupId, string edgeNodeId, TimeProvider time)
{
    private readonly Dictionary<(string? Device, string Metric), ulong> _aliases = [];
    private ulong _nextAlias = 1;
    private int _seq;

    public string GroupId { get; } = groupId;

    public string EdgeNodeId { get; } = edgeNodeId;

    /// <summary>The bdSeq of the current session; <see cref="NodeBirth"/> with a new session increments it.</summary>
    public ulong BdSeq { get; private set; }

    private string Prefix => $"spBv1.0/{GroupId}";

    /// <summary>NBIRTH with seq 0 and the current bdSeq; node metrics get aliases.</summary>
    public SparkplugMessage NodeBirth(params (string Name, object Value)[] metrics)
    {
        _seq = 0;
        var payload = NewPayload(seq: 0);
        foreach (var (name, value) in metrics)
        {
            payload.Metrics.Add(Birth(null, name, value));
        }
        payload.Metrics.Add(new Metric { Name = "bdSeq", Datatype = (uint)DataType.Int64, LongValue = BdSeq });
        _seq = 1;
        return new SparkplugMessage($"{Prefix}/NBIRTH/{EdgeNodeId}", payload.ToByteArray());
    }

    /// <summary>Starts a new MQTT session: a 3.0 node increments bdSeq, a pre-3.0 node (like Tahu JS) does not.</summary>
    public void Reconnect(bool incrementBdSeq = true)
    {
        if (incrementBdSeq)
        {
            BdSeq = (BdSeq + 1) % 256;
        }
    }

    /// <summary>NDEATH with the current bdSeq (or the given one, to make a stale death); it carries no seq (spec 4.2.1.3.2).</summary>
    public SparkplugMessage NodeDeath(ulong? bdSeq = null)
    {
        var payload = new Payload { Timestamp = Now() };
        payload.Metrics.Add(new Metric { Name = "bdSeq", Datatype = (uint)DataType.Int64, LongValue = bdSeq ?? BdSeq });
        return new SparkplugMessage($"{Prefix}/NDEATH/{EdgeNodeId}", payload.ToByteArray());
    }

    public SparkplugMessage NodeData(params (string Name, object Value)[] metrics) =>
        Data($"{Prefix}/NDATA/{EdgeNodeId}", null, metrics);

    /// <summary>DBIRTH: every metric by name with a fresh alias, and its current value.</summary>
    public SparkplugMessage DeviceBirth(string deviceId, params (string Name, object Value)[] metrics)
    {
        var payload = NewPayload(NextSeq());
        foreach (var (name, value) in metrics)
        {
            payload.Metrics.Add(Birth(deviceId, name, value));
        }
        return new SparkplugMessage($"{Prefix}/DBIRTH/{EdgeNodeId}/{deviceId}", payload.ToByteArray());
    }

    /// <summary>DDATA: metrics by alias only, as the birth assigned them.</summary>
    public SparkplugMessage DeviceData(string deviceId, params (string Name, object Value)[] metrics) =>
        Data($"{Prefix}/DDATA/{EdgeNodeId}/{deviceId}", deviceId, metrics);

    /// <summary>DDATA carrying one metric under an alias the birth never assigned.</summary>
    public SparkplugMessage DeviceDataWithUnknownAlias(string deviceId, ulong alias, object value)
    {
        var payload = NewPayload(NextSeq());
        var metric = new Metric { Alias = alias, Timestamp = Now() };
        SetValue(metric, value);
        payload.Metrics.Add(metric);
        return new SparkplugMessage($"{Prefix}/DDATA/{EdgeNodeId}/{deviceId}", payload.ToByteArray());
    }

    public SparkplugMessage DeviceDeath(string deviceId) =>
        new($"{Prefix}/DDEATH/{EdgeNodeId}/{deviceId}", NewPayload(NextSeq()).ToByteArray());

    /// <summary>Loses the next <paramref name="count"/> messages, as QoS 0 can: the next one shows a seq gap.</summary>
    public void SkipSequence(int count = 1) => _seq = (_seq + count) % 256;

    /// <summary>A payload with the given metric as built by the caller, at the next seq; for edge cases.</summary>
    public SparkplugMessage Custom(string type, string? deviceId, Action<Payload> build)
    {
        var payload = NewPayload(NextSeq());
        build(payload);
        var topic = deviceId is null ? $"{Prefix}/{type}/{EdgeNodeId}" : $"{Prefix}/{type}/{EdgeNodeId}/{deviceId}";
        return new SparkplugMessage(topic, payload.ToByteArray());
    }

    /// <summary>The alias the births assigned to a metric.</summary>
    public ulong AliasOf(string? deviceId, string metric) => _aliases[(deviceId, metric)];

    private SparkplugMessage Data(string topic, string? deviceId, (string Name, object Value)[] metrics)
    {
        var payload = NewPayload(NextSeq());
        foreach (var (name, value) in metrics)
        {
            var metric = new Metric { Alias = _aliases[(deviceId, name)], Timestamp = Now() };
            SetValue(metric, value);
            payload.Metrics.Add(metric);
        }
        return new SparkplugMessage(topic, payload.ToByteArray());
    }

    private Metric Birth(string? deviceId, string name, object value)
    {
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

    private ulong Now() => (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
}
