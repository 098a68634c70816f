using System.IO.Compression;
using System.Text.Json;
using Google.Protobuf;
using Threadline.Sparkplug.Protobuf;
using Metric = Threadline.Sparkplug.Protobuf.Payload.Types.Metric;

namespace Threadline.Sparkplug;

/// <summary>
/// A Sparkplug B 3.0 Primary Host Application's view of the edge nodes it hears: decodes each message, keeps
/// per edge node the birth state (bdSeq, next seq, metric aliases, which devices are born) and turns messages into
/// numeric points, presence changes, rebirth commands and dead letters. Takes topic and payload bytes, so it knows
/// nothing of the MQTT client. Thread-safe: messages are handled one at a time. State starts empty, so every
/// edge node must be (re)born after this host starts; DATA before that brings a rebirth request.
/// </summary>
public sealed class SparkplugHost
{
    /// <summary>Default for the least time between two rebirth requests to one edge node: 10 s.</summary>
    public static readonly TimeSpan DefaultRebirthInterval = TimeSpan.FromSeconds(10);

    /// <summary>The metric that carries the birth/death sequence number (spec 4.2.1.1.2, 6.4.19).</summary>
    public const string BdSeqMetric = "bdSeq";

    /// <summary>The Node Control metric a host writes to ask an edge node to publish its births again (spec 4.2.1.1.2, 5.9).</summary>
    public const string RebirthMetric = "Node Control/Rebirth";

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _rebirthInterval;
    private readonly Dictionary<(string Group, string Edge), EdgeNodeState> _nodes = [];
    private readonly Dictionary<(string Group, string Edge), DateTimeOffset> _lastRebirth = [];
    private SparkplugStateMessages? _session;

    /// <param name="hostId">This host's Sparkplug Host ID, used in its STATE topic (spec 4.2.3, 5.13); no '/', '+' or '#'.</param>
    /// <param name="timeProvider">The clock for arrival times, STATE timestamps and the rebirth rate limit.</param>
    /// <param name="rebirthInterval">Least time between two rebirth requests to one edge node; default <see cref="DefaultRebirthInterval"/>.</param>
    public SparkplugHost(string hostId, TimeProvider timeProvider, TimeSpan? rebirthInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hostId);
        if (hostId.IndexOfAny(['/', '+', '#']) >= 0)
        {
            throw new ArgumentException($"Sparkplug host id '{hostId}' must not contain '/', '+' or '#'.", nameof(hostId));
        }
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (rebirthInterval is { } interval && interval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(rebirthInterval), "The rebirth interval must not be negative.");
        }
        HostId = hostId;
        _time = timeProvider;
        _rebirthInterval = rebirthInterval ?? DefaultRebirthInterval;
    }

    public string HostId { get; }

    /// <summary>The topic to subscribe to for every edge node of every group (spec 4.1).</summary>
    public const string SubscriptionFilter = SparkplugTopic.Namespace + "/#";

    /// <summary>This host's STATE topic, <c>spBv1.0/STATE/{host id}</c> (spec 4.2.3.1.1).</summary>
    public string StateTopic => $"{SparkplugTopic.Namespace}/STATE/{HostId}";

    /// <summary>
    /// The STATE birth and will for one MQTT session (spec 4.2.3, 5.13): set <see cref="SparkplugStateMessages.Offline"/>
    /// as the will of the CONNECT, publish <see cref="SparkplugStateMessages.Online"/> once connected, and publish
    /// Offline again before a clean disconnect. Both carry the same timestamp, the session's start on this host's clock,
    /// which is what lets an edge node tell a stale will from a current one. Retained, QoS 1.
    /// </summary>
    public SparkplugStateMessages CreateStateMessages()
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var messages = new SparkplugStateMessages(StateMessage(online: true, timestamp), StateMessage(online: false, timestamp));
        lock (_lock)
        {
            _session = messages;
        }
        return messages;
    }

    private SparkplugOutgoingMessage StateMessage(bool online, long timestamp)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("online", online);
            json.WriteNumber("timestamp", timestamp);
            json.WriteEndObject();
        }
        return new SparkplugOutgoingMessage(StateTopic, buffer.WrittenMemory.ToArray(), QualityOfService: 1, Retain: true);
    }

    /// <summary>Whether the edge node is born (since this host started) and not dead since.</summary>
    public bool IsOnline(string groupId, string edgeNodeId, string? deviceId = null)
    {
        lock (_lock)
        {
            if (!_nodes.TryGetValue((groupId, edgeNodeId), out var node))
            {
                return false;
            }
            return deviceId is null || node.Devices.ContainsKey(deviceId);
        }
    }

    /// <summary>Handles one received message. Never throws for bad input: bad input comes back as dead letters.</summary>
    public SparkplugResult Handle(string topic, ReadOnlyMemory<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var arrival = _time.GetUtcNow();
        if (!SparkplugTopic.TryParse(topic, out var parsed, out var error))
        {
            var builder = new ResultBuilder(null);
            builder.DeadLetters.Add(new SparkplugDeadLetter(error!, $"Topic '{topic}' is not a Sparkplug B topic this host understands."));
            return builder.Build();
        }
        if (parsed!.Type == SparkplugMessageType.State)
        {
            return HandleState(parsed, payload);
        }
        // Commands (ours echoed back, or another application's) are not data.
        if (parsed.Type is SparkplugMessageType.NCmd or SparkplugMessageType.DCmd)
        {
            return new ResultBuilder(parsed).Build();
        }
        Payload message;
        try
        {
            message = Decode(payload);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidDataException)
        {
            var builder = new ResultBuilder(parsed);
            builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.MalformedPayload, ex.Message));
            return builder.Build();
        }
        lock (_lock)
        {
            var builder = new ResultBuilder(parsed);
            switch (parsed.Type)
            {
                case SparkplugMessageType.NBirth:
                    HandleNodeBirth(parsed, message, arrival, builder);
                    break;
                case SparkplugMessageType.NDeath:
                    HandleNodeDeath(parsed, message, arrival, builder);
                    break;
                default:
                    HandleFromBornNode(parsed, message, arrival, builder);
                    break;
            }
            if (builder.RebirthNeeded)
            {
                RequestRebirth(parsed, arrival, builder);
            }
            return builder.Build();
        }
    }

    /// <summary>The uuid Eclipse Tahu's clients put on a payload whose <c>body</c> is another payload, compressed.</summary>
    public const string CompressedUuid = "SPBV1.0_COMPRESSED";

    /// <summary>Largest decompressed payload accepted: 16 MiB, so a small compressed message cannot exhaust memory.</summary>
    public const int MaxDecompressedBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Decodes a Sparkplug B payload, unwrapping Tahu's compressed form: uuid <see cref="CompressedUuid"/>, body
    /// compressed with the algorithm named by a string metric "algorithm" (DEFLATE, the zlib format, when absent;
    /// or GZIP). Throws <see cref="InvalidProtocolBufferException"/> or <see cref="InvalidDataException"/> on bad input.
    /// </summary>
    public static Payload Decode(ReadOnlyMemory<byte> bytes)
    {
        var payload = Payload.Parser.ParseFrom(bytes.Span);
        if (payload.Uuid != CompressedUuid)
        {
            return payload;
        }
        var algorithm = payload.Metrics.FirstOrDefault(m => m.Name == "algorithm") is { ValueCase: Metric.ValueOneofCase.StringValue } named
            ? named.StringValue.ToUpperInvariant()
            : "DEFLATE";
        using var compressed = new MemoryStream(payload.Body.ToByteArray(), writable: false);
        using Stream decompressor = algorithm switch
        {
            "DEFLATE" => new ZLibStream(compressed, CompressionMode.Decompress),
            "GZIP" => new GZipStream(compressed, CompressionMode.Decompress),
            _ => throw new InvalidDataException($"Unknown Sparkplug compression algorithm '{algorithm}'."),
        };
        using var inflated = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = decompressor.Read(buffer)) > 0)
        {
            if (inflated.Length + read > MaxDecompressedBytes)
            {
                throw new InvalidDataException($"Compressed Sparkplug payload inflates past {MaxDecompressedBytes} bytes.");
            }
            inflated.Write(buffer, 0, read);
        }
        return Payload.Parser.ParseFrom(inflated.GetBuffer().AsSpan(0, (int)inflated.Length));
    }

    private SparkplugResult HandleState(SparkplugTopic topic, ReadOnlyMemory<byte> payload)
    {
        var builder = new ResultBuilder(topic);
        bool online;
        try
        {
            using var json = JsonDocument.Parse(payload);
            online = json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("online", out var flag)
                && flag.ValueKind == JsonValueKind.True;
        }
        catch (JsonException ex)
        {
            builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.MalformedPayload, ex.Message));
            return builder.Build();
        }
        // Spec 5.3: a host told (by a stale retained message or a will of its own) that it is offline while it is
        // connected must publish its online STATE again at once. Other hosts' STATE is none of our business.
        if (!online && topic.HostId == HostId)
        {
            lock (_lock)
            {
                if (_session is { } session)
                {
                    builder.Commands.Add(session.Online);
                }
            }
        }
        return builder.Build();
    }

    private void HandleNodeBirth(SparkplugTopic topic, Payload message, DateTimeOffset arrival, ResultBuilder builder)
    {
        var key = (topic.GroupId, topic.EdgeNodeId);
        var birthTime = PayloadTime(message) ?? arrival;
        if (_nodes.Remove(key, out var previous))
        {
            // A new NBIRTH starts a new session (spec 5.4, 5.6): devices of the old one are gone until they re-birth.
            foreach (var device in previous.Devices.Keys)
            {
                builder.Presence.Add(new SparkplugPresence(topic.GroupId, topic.EdgeNodeId, device, Online: false, birthTime));
            }
        }
        var bdSeq = message.Metrics.FirstOrDefault(m => m.Name == BdSeqMetric) is { } bdSeqMetric
            ? UnsignedValue(bdSeqMetric)
            : null;
        var node = new EdgeNodeState(bdSeq);
        // Spec 6.4.19: NBIRTH carries a seq (0 in practice, 0 to 255 allowed); the next message is one more.
        node.NextSeq = message.HasSeq ? (int)((message.Seq + 1) % 256) : null;
        _nodes[key] = node;
        builder.Presence.Add(new SparkplugPresence(topic.GroupId, topic.EdgeNodeId, null, Online: true, birthTime));
        LearnAndEmit(topic, node.Metrics, message, arrival, builder);
    }

    private void HandleNodeDeath(SparkplugTopic topic, Payload message, DateTimeOffset arrival, ResultBuilder builder)
    {
        var key = (topic.GroupId, topic.EdgeNodeId);
        if (!_nodes.TryGetValue(key, out var node))
        {
            // Nothing to take offline; not worth a rebirth either, the node is gone.
            builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.NotBorn,
                $"NDEATH from {topic.GroupId}/{topic.EdgeNodeId}, which is not born on this host."));
            return;
        }
        var bdSeq = message.Metrics.FirstOrDefault(m => m.Name == BdSeqMetric) is { } bdSeqMetric
            ? UnsignedValue(bdSeqMetric)
            : null;
        // Spec 4.2.1.3.2 and 5.5: an NDEATH whose bdSeq differs from the current NBIRTH's is the will of an older session,
        // delivered late, and must not take the current session down. When either side lacks a bdSeq (pre-3.0
        // nodes) there is nothing to compare and the death is honoured.
        if (bdSeq is not null && node.BdSeq is not null && bdSeq != node.BdSeq)
        {
            builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.StaleDeath,
                $"NDEATH bdSeq {bdSeq} does not match the current NBIRTH's bdSeq {node.BdSeq}."));
            return;
        }
        _nodes.Remove(key);
        // Spec 5.5: an edge node's death takes its devices offline too, at the host's current time.
        foreach (var device in node.Devices.Keys)
        {
            builder.Presence.Add(new SparkplugPresence(topic.GroupId, topic.EdgeNodeId, device, Online: false, arrival));
        }
        builder.Presence.Add(new SparkplugPresence(topic.GroupId, topic.EdgeNodeId, null, Online: false, arrival));
    }

    private void HandleFromBornNode(SparkplugTopic topic, Payload message, DateTimeOffset arrival, ResultBuilder builder)
    {
        if (!_nodes.TryGetValue((topic.GroupId, topic.EdgeNodeId), out var node))
        {
            // Without a birth the host has neither aliases nor a seq to check against; Node Control/Rebirth
            // (spec 4.2.1.1.2) is the only way to get one short of waiting for the node to reconnect.
            builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.NotBorn,
                $"{topic.Type} from {topic.GroupId}/{topic.EdgeNodeId}, which is not born on this host."));
            builder.RebirthNeeded = true;
            return;
        }
        CheckSequence(node, message, builder);
        switch (topic.Type)
        {
            case SparkplugMessageType.NData:
                EmitData(topic, node.Metrics, message, arrival, builder);
                break;
            case SparkplugMessageType.DBirth:
            {
                var device = new MetricTable();
                node.Devices[topic.DeviceId!] = device;
                builder.Presence.Add(new SparkplugPresence(topic.GroupId, topic.EdgeNodeId, topic.DeviceId,
                    Online: true, PayloadTime(message) ?? arrival));
                LearnAndEmit(topic, device, message, arrival, builder);
                break;
            }
            case SparkplugMessageType.DData:
                if (!node.Devices.TryGetValue(topic.DeviceId!, out var born))
                {
                    builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.NotBorn,
                        $"DDATA from device {topic.DeviceId} of {topic.GroupId}/{topic.EdgeNodeId}, which is not born on this host."));
                    builder.RebirthNeeded = true;
                    return;
                }
                EmitData(topic, born, message, arrival, builder);
                break;
            case SparkplugMessageType.DDeath:
                if (node.Devices.Remove(topic.DeviceId!))
                {
                    builder.Presence.Add(new SparkplugPresence(topic.GroupId, topic.EdgeNodeId, topic.DeviceId,
                        Online: false, PayloadTime(message) ?? arrival));
                }
                break;
        }
    }

    private static void CheckSequence(EdgeNodeState node, Payload message, ResultBuilder builder)
    {
        // Spec 6.4.5 and 4.2.2.x: every message after NBIRTH (NDATA, DBIRTH, DDATA, DDEATH) carries seq one more
        // than the previous, modulo 256. Spec 5.9 lets a host wait a Reorder Timeout for the missing message before
        // asking for a rebirth; one broker delivers one client's messages in order, so a gap here is a loss (QoS 0)
        // and the host asks at once. The message itself still decodes against known aliases, so its data is kept.
        // A message without seq (pre-3.0 nodes) is not checked.
        if (!message.HasSeq)
        {
            return;
        }
        var seq = message.Seq;
        if (node.NextSeq is { } expected && seq != (ulong)expected)
        {
            builder.SequenceGap = true;
            builder.RebirthNeeded = true;
        }
        node.NextSeq = (int)((seq + 1) % 256);
    }

    private static void LearnAndEmit(SparkplugTopic topic, MetricTable table, Payload message, DateTimeOffset arrival, ResultBuilder builder)
    {
        foreach (var metric in message.Metrics)
        {
            if (!metric.HasName || metric.Name.Length == 0)
            {
                builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.UnknownMetric,
                    $"A {topic.Type} metric without a name (spec 6.4.6 requires names in births)."));
                continue;
            }
            if (metric.HasAlias)
            {
                if (table.ByAlias.TryGetValue(metric.Alias, out var taken) && taken != metric.Name)
                {
                    // Spec 6.4.6: aliases are unique within the edge node; a clash makes DATA ambiguous.
                    builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.DuplicateAlias,
                        $"Alias {metric.Alias} of '{metric.Name}' is already '{taken}'."));
                    builder.RebirthNeeded = true;
                    continue;
                }
                table.ByAlias[metric.Alias] = metric.Name;
            }
            table.Names.Add(metric.Name);
            Emit(topic, metric.Name, metric, message, arrival, builder);
        }
    }

    private static void EmitData(SparkplugTopic topic, MetricTable table, Payload message, DateTimeOffset arrival, ResultBuilder builder)
    {
        foreach (var metric in message.Metrics)
        {
            string? name;
            if (metric.HasAlias)
            {
                // Spec 6.4.6: DATA carries the alias alone once the birth tied it to a name.
                if (!table.ByAlias.TryGetValue(metric.Alias, out name))
                {
                    builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.UnknownAlias,
                        $"{topic} metric alias {metric.Alias} was not in the birth."));
                    builder.RebirthNeeded = true;
                    continue;
                }
            }
            else if (metric.HasName && table.Names.Contains(metric.Name))
            {
                name = metric.Name;
            }
            else
            {
                builder.DeadLetters.Add(new SparkplugDeadLetter(SparkplugDeadLetterReasons.UnknownMetric,
                    $"{topic} metric '{metric.Name}' was not in the birth."));
                builder.RebirthNeeded = true;
                continue;
            }
            Emit(topic, name, metric, message, arrival, builder);
        }
    }

    private static void Emit(SparkplugTopic topic, string name, Metric metric, Payload message, DateTimeOffset arrival, ResultBuilder builder)
    {
        // bdSeq and Node Control/* describe the session and its controls, not the process.
        if (name == BdSeqMetric || name.StartsWith("Node Control/", StringComparison.Ordinal))
        {
            return;
        }
        if (metric.IsNull || NumericValue(metric) is not { } value)
        {
            builder.SkippedNonNumeric++;
            return;
        }
        var atSource = (metric.HasTimestamp ? FromUnixMilliseconds(metric.Timestamp) : null) ?? PayloadTime(message);
        builder.Points.Add(new SparkplugPoint(topic.GroupId, topic.EdgeNodeId, topic.DeviceId, name, value, atSource ?? arrival,
            atSource is null, QualityOf(metric), message.HasSeq ? (long)message.Seq : null, metric.IsHistorical));
    }

    /// <summary>The metric's value as a double when it is numeric or boolean; null for strings, bytes, datasets and templates.</summary>
    internal static double? NumericValue(Metric metric)
    {
        var type = metric.HasDatatype ? (DataType)metric.Datatype : DataType.Unknown;
        // Spec 6.4.17: signed integers travel as two's complement in the unsigned fields, so the declared
        // datatype decides the sign; truncating to the declared width also reads encoders that sign-extend.
        return metric.ValueCase switch
        {
            Metric.ValueOneofCase.IntValue => type switch
            {
                DataType.Int8 => (sbyte)(byte)metric.IntValue,
                DataType.Int16 => (short)(ushort)metric.IntValue,
                DataType.Int32 => (int)metric.IntValue,
                _ => metric.IntValue,
            },
            Metric.ValueOneofCase.LongValue => type switch
            {
                DataType.DateTime => null,
                DataType.Int64 or DataType.Int32 or DataType.Int16 or DataType.Int8 => (long)metric.LongValue,
                _ => metric.LongValue,
            },
            Metric.ValueOneofCase.FloatValue => metric.FloatValue,
            Metric.ValueOneofCase.DoubleValue => metric.DoubleValue,
            Metric.ValueOneofCase.BooleanValue => metric.BooleanValue ? 1 : 0,
            _ => null,
        };
    }

    private static SparkplugQuality QualityOf(Metric metric)
    {
        var properties = metric.Properties;
        if (properties is null)
        {
            return SparkplugQuality.Good;
        }
        var index = properties.Keys.IndexOf("Quality");
        if (index < 0 || index >= properties.Values.Count)
        {
            return SparkplugQuality.Good;
        }
        var property = properties.Values[index];
        long? code = property.ValueCase switch
        {
            Payload.Types.PropertyValue.ValueOneofCase.IntValue => (int)property.IntValue,
            Payload.Types.PropertyValue.ValueOneofCase.LongValue => (long)property.LongValue,
            _ => null,
        };
        // Spec 6.4.9.1 allows 0 (bad), 192 (good) and 500 (stale); other senders use the OPC DA quality byte, whose
        // top two bits say good (11), uncertain (01, e.g. 64) or bad (00). Stale data is neither good nor known bad.
        return code switch
        {
            null or 192 => SparkplugQuality.Good,
            500 => SparkplugQuality.Uncertain,
            >= 0 and <= 255 when (code.Value & 0xC0) == 0xC0 => SparkplugQuality.Good,
            >= 0 and <= 255 when (code.Value & 0xC0) == 0x40 => SparkplugQuality.Uncertain,
            >= 0 and <= 255 => SparkplugQuality.Bad,
            _ => SparkplugQuality.Uncertain,
        };
    }

    private static ulong? UnsignedValue(Metric metric) => metric.ValueCase switch
    {
        Metric.ValueOneofCase.LongValue => metric.LongValue,
        Metric.ValueOneofCase.IntValue => metric.IntValue,
        // A bdSeq metric present without a value is read as 0, as lenient encoders send it.
        _ => 0,
    };

    private static DateTimeOffset? PayloadTime(Payload message) =>
        message.HasTimestamp ? FromUnixMilliseconds(message.Timestamp) : null;

    private static DateTimeOffset? FromUnixMilliseconds(ulong milliseconds) =>
        milliseconds is > 0 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds) : null;

    private void RequestRebirth(SparkplugTopic topic, DateTimeOffset now, ResultBuilder builder)
    {
        var key = (topic.GroupId, topic.EdgeNodeId);
        // A burst of bad data must not become a burst of NCMDs: each rebirth makes the node republish everything.
        if (_lastRebirth.TryGetValue(key, out var last) && now - last < _rebirthInterval)
        {
            return;
        }
        _lastRebirth[key] = now;
        builder.Commands.Add(RebirthCommand(topic.GroupId, topic.EdgeNodeId, now));
    }

    /// <summary>
    /// The NCMD asking an edge node to publish its NBIRTH and DBIRTHs again: metric <see cref="RebirthMetric"/>
    /// (Boolean) = true, with a timestamp, at QoS 0 and not retained (spec 4.2.1.4.2).
    /// </summary>
    public static SparkplugOutgoingMessage RebirthCommand(string groupId, string edgeNodeId, DateTimeOffset now)
    {
        var milliseconds = (ulong)now.ToUnixTimeMilliseconds();
        var payload = new Payload { Timestamp = milliseconds };
        payload.Metrics.Add(new Metric
        {
            Name = RebirthMetric,
            Timestamp = milliseconds,
            Datatype = (uint)DataType.Boolean,
            BooleanValue = true,
        });
        return new SparkplugOutgoingMessage($"{SparkplugTopic.Namespace}/{groupId}/NCMD/{edgeNodeId}",
            payload.ToByteArray(), QualityOfService: 0, Retain: false);
    }

    private sealed class MetricTable
    {
        public Dictionary<ulong, string> ByAlias { get; } = [];

        public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
    }

    private sealed class EdgeNodeState(ulong? bdSeq)
    {
        public ulong? BdSeq { get; } = bdSeq;

        public int? NextSeq { get; set; }

        public MetricTable Metrics { get; } = new();

        public Dictionary<string, MetricTable> Devices { get; } = new(StringComparer.Ordinal);
    }

    private sealed class ResultBuilder(SparkplugTopic? topic)
    {
        public List<SparkplugPoint> Points { get; } = [];

        public List<SparkplugPresence> Presence { get; } = [];

        public List<SparkplugOutgoingMessage> Commands { get; } = [];

        public List<SparkplugDeadLetter> DeadLetters { get; } = [];

        public int SkippedNonNumeric { get; set; }

        public bool SequenceGap { get; set; }

        public bool RebirthNeeded { get; set; }

        public SparkplugResult Build() => new(topic, Points, Presence, Commands, DeadLetters, SkippedNonNumeric,
            SequenceGap, RebirthNeeded);
    }
}
