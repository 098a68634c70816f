using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Threadline.Sparkplug.Protobuf;
using Metric = Threadline.Sparkplug.Protobuf.Payload.Types.Metric;

namespace Threadline.Sparkplug;

public sealed class SparkplugHostTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly SparkplugHost _host;
    private readonly SparkplugEdgeNode _edge;

    public SparkplugHostTests()
    {
        _host = new SparkplugHost("threadline", _time, TimeSpan.FromSeconds(10));
        _edge = new SparkplugEdgeNode("plant1", "edge1", _time);
    }

    private SparkplugResult Send(SparkplugOutgoingMessage message) => _host.Handle(message.Topic, message.Payload);

    private static SparkplugOutgoingMessage WithUnknownAlias(SparkplugEdgeNode edge, string deviceId, ulong alias, double value) =>
        edge.Message(SparkplugMessageType.DData, deviceId, p => p.Metrics.Add(new Metric { Alias = alias, Datatype = (uint)DataType.Double, DoubleValue = value }));

    private void BirthNodeAndPump()
    {
        Send(_edge.NodeBirth(("Uptime", 12L)));
        Send(_edge.DeviceBirth("pump-1", ("Temperature", 21.5), ("Running", true)));
    }

    [Fact]
    public void NodeBirth_MarksNodeOnline_AndEmitsItsNumericMetricsButNotBdSeq()
    {
        var result = Send(_edge.NodeBirth(("Uptime", 12L), ("Firmware", "1.2.3")));

        var presence = Assert.Single(result.PresenceChanges);
        Assert.Equal(new SparkplugPresence("plant1", "edge1", null, true, Start), presence);
        var point = Assert.Single(result.Points);
        Assert.Equal(("Uptime", 12d, (string?)null, 0L), (point.Metric, point.Value, point.DeviceId, point.Seq!.Value));
        Assert.Equal(1, result.SkippedNonNumeric);
        Assert.Empty(result.DeadLetters);
        Assert.Empty(result.Commands);
        Assert.True(_host.IsOnline("plant1", "edge1"));
    }

    [Fact]
    public void DeviceData_ResolvesAliasesToTheNamesOfTheBirth()
    {
        BirthNodeAndPump();
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = Send(_edge.DeviceData("pump-1", ("Temperature", 22.25), ("Running", false)));

        Assert.Empty(result.DeadLetters);
        Assert.Equal(
            [("pump-1", "Temperature", 22.25), ("pump-1", "Running", 0d)],
            result.Points.Select(p => (p.DeviceId!, p.Metric, p.Value)).ToArray());
        Assert.All(result.Points, p => Assert.Equal(Start.AddSeconds(1), p.Timestamp));
        Assert.All(result.Points, p => Assert.Equal("plant1/edge1/pump-1", p.Source));
        Assert.All(result.Points, p => Assert.Equal(2L, p.Seq));
    }

    [Fact]
    public void DeviceBirth_ReportsTheDeviceOnlineWithItsCurrentValues()
    {
        Send(_edge.NodeBirth());

        var result = Send(_edge.DeviceBirth("pump-1", ("Temperature", 21.5), ("Running", true)));

        Assert.Equal(new SparkplugPresence("plant1", "edge1", "pump-1", true, Start), Assert.Single(result.PresenceChanges));
        Assert.Equal([21.5, 1d], result.Points.Select(p => p.Value).ToArray());
        Assert.True(_host.IsOnline("plant1", "edge1", "pump-1"));
    }

    [Fact]
    public void NumericTypes_DecodeByTheirDeclaredDatatype()
    {
        Send(_edge.NodeBirth());
        Send(_edge.DeviceBirth("pump-1", ("Float", 1.5f), ("Int32", -7), ("Int64", -9_000_000_000L),
            ("UInt64", ulong.MaxValue), ("Bool", true), ("Text", "hello")));

        var result = Send(_edge.Message(SparkplugMessageType.DData, "pump-1", payload =>
        {
            // Int8 -2 as an encoder that does not sign-extend sends it, and an Int16 as one that does.
            payload.Metrics.Add(new Metric { Alias = _edge.AliasOf("pump-1", "Int32"), Datatype = (uint)DataType.Int8, IntValue = 0xFE });
            payload.Metrics.Add(new Metric { Alias = _edge.AliasOf("pump-1", "Int64"), Datatype = (uint)DataType.Int16, IntValue = 0xFFFF_FFFD });
            payload.Metrics.Add(new Metric { Alias = _edge.AliasOf("pump-1", "UInt64"), Datatype = (uint)DataType.Uint32, IntValue = 0xFFFF_FFFF });
        }));

        Assert.Equal([-2d, -3d, 4_294_967_295d], result.Points.Select(p => p.Value).ToArray());
    }

    [Fact]
    public void BirthValues_KeepSignAndWidth()
    {
        Send(_edge.NodeBirth());

        var result = Send(_edge.DeviceBirth("pump-1", ("Float", 1.5f), ("Int32", -7), ("Int64", -9_000_000_000L),
            ("UInt64", ulong.MaxValue), ("Bool", true), ("Text", "hello")));

        Assert.Equal(
            [("Float", 1.5), ("Int32", -7d), ("Int64", -9_000_000_000d), ("UInt64", (double)ulong.MaxValue), ("Bool", 1d)],
            result.Points.Select(p => (p.Metric, p.Value)).ToArray());
        Assert.Equal(1, result.SkippedNonNumeric);
    }

    [Fact]
    public void Timestamp_ComesFromTheMetric_ElseThePayload_ElseArrivalWithAFlag()
    {
        Send(_edge.NodeBirth(("A", 1d), ("B", 2d), ("C", 3d)));
        var metricTime = Start.AddMinutes(-5);
        var payloadTime = Start.AddMinutes(-1);
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = Send(_edge.Message(SparkplugMessageType.NData, null, payload =>
        {
            payload.Timestamp = (ulong)payloadTime.ToUnixTimeMilliseconds();
            payload.Metrics.Add(new Metric { Alias = _edge.AliasOf(null, "A"), Datatype = 10, DoubleValue = 1, Timestamp = (ulong)metricTime.ToUnixTimeMilliseconds() });
            payload.Metrics.Add(new Metric { Alias = _edge.AliasOf(null, "B"), Datatype = 10, DoubleValue = 2 });
        }));
        var unstamped = Send(_edge.Message(SparkplugMessageType.NData, null, payload =>
        {
            payload.ClearTimestamp();
            payload.Metrics.Add(new Metric { Alias = _edge.AliasOf(null, "C"), Datatype = 10, DoubleValue = 3 });
        }));

        Assert.Equal([(metricTime, false), (payloadTime, false)], result.Points.Select(p => (p.Timestamp, p.StampedOnArrival)).ToArray());
        var point = Assert.Single(unstamped.Points);
        Assert.Equal((Start.AddMinutes(1), true), (point.Timestamp, point.StampedOnArrival));
    }

    [Theory]
    [InlineData(192u, SparkplugQuality.Good)]
    [InlineData(500u, SparkplugQuality.Uncertain)]
    [InlineData(64u, SparkplugQuality.Uncertain)]
    [InlineData(0u, SparkplugQuality.Bad)]
    [InlineData(null, SparkplugQuality.Good)]
    public void QualityProperty_MapsOpcQualityCodes(uint? code, SparkplugQuality expected)
    {
        Send(_edge.NodeBirth(("A", 1d)));

        var result = Send(_edge.Message(SparkplugMessageType.NData, null, payload =>
        {
            var metric = new Metric { Alias = _edge.AliasOf(null, "A"), Datatype = 10, DoubleValue = 1 };
            if (code is { } value)
            {
                metric.Properties = new Payload.Types.PropertySet();
                metric.Properties.Keys.Add("Quality");
                metric.Properties.Values.Add(new Payload.Types.PropertyValue { Type = (uint)DataType.Int32, IntValue = value });
            }
            payload.Metrics.Add(metric);
        }));

        Assert.Equal(expected, Assert.Single(result.Points).Quality);
    }

    [Fact]
    public void SequenceGap_RequestsRebirth_AndKeepsTheData()
    {
        BirthNodeAndPump();
        // Lost on the way, as QoS 0 can lose it.
        _ = _edge.DeviceData("pump-1", ("Temperature", 22.0));

        var result = Send(_edge.DeviceData("pump-1", ("Temperature", 23.0)));

        Assert.True(result.SequenceGap);
        Assert.Equal(23.0, Assert.Single(result.Points).Value);
        AssertRebirthCommand(Assert.Single(result.Commands));
    }

    [Fact]
    public void Sequence_WrapsAfter255_WithoutAGap()
    {
        BirthNodeAndPump();
        var results = Enumerable.Range(0, 300).Select(i => Send(_edge.DeviceData("pump-1", ("Temperature", (double)i)))).ToList();

        Assert.All(results, r => Assert.False(r.SequenceGap));
        Assert.Contains(results, r => r.Points[0].Seq == 255);
        Assert.Contains(results, r => r.Points[0].Seq == 0);
    }

    [Fact]
    public void UnknownAlias_DeadLettersTheMetric_AndRequestsRebirth()
    {
        BirthNodeAndPump();

        var result = Send(WithUnknownAlias(_edge, "pump-1", 999, 5.0));

        Assert.Equal(SparkplugDeadLetterReasons.UnknownAlias, Assert.Single(result.DeadLetters).Reason);
        Assert.Empty(result.Points);
        Assert.False(result.SequenceGap);
        AssertRebirthCommand(Assert.Single(result.Commands));
    }

    [Fact]
    public void DataFromANodeNotBorn_IsDeadLettered_AndRequestsRebirth()
    {
        _edge.NodeBirth();

        var result = Send(_edge.NodeData());

        Assert.Equal(SparkplugDeadLetterReasons.NotBorn, Assert.Single(result.DeadLetters).Reason);
        AssertRebirthCommand(Assert.Single(result.Commands));
    }

    [Fact]
    public void DataFromADeviceNotBorn_IsDeadLettered_AndRequestsRebirth()
    {
        Send(_edge.NodeBirth());

        var result = Send(_edge.Message(SparkplugMessageType.DData, "pump-9", _ => { }));

        Assert.Equal(SparkplugDeadLetterReasons.NotBorn, Assert.Single(result.DeadLetters).Reason);
        AssertRebirthCommand(Assert.Single(result.Commands));
    }

    [Fact]
    public void RebirthRequests_AreRateLimitedPerEdgeNode()
    {
        BirthNodeAndPump();
        var otherEdge = new SparkplugEdgeNode("plant1", "edge2", _time);
        Send(otherEdge.NodeBirth());

        var first = Send(WithUnknownAlias(_edge, "pump-1", 999, 1.0));
        var burst = Enumerable.Range(0, 20).Select(_ => Send(WithUnknownAlias(_edge, "pump-1", 999, 1.0))).ToList();
        var otherNode = Send(otherEdge.Message(SparkplugMessageType.NData, null, p => p.Metrics.Add(new Metric { Alias = 77, Datatype = 10, DoubleValue = 1 })));
        _time.Advance(TimeSpan.FromSeconds(10));
        var later = Send(WithUnknownAlias(_edge, "pump-1", 999, 1.0));

        Assert.Single(first.Commands);
        Assert.All(burst, r => Assert.True(r.RebirthSuppressed));
        Assert.Equal("spBv1.0/plant1/NCMD/edge2", Assert.Single(otherNode.Commands).Topic);
        Assert.Single(later.Commands);
    }

    [Fact]
    public void NodeDeath_WithTheBirthsBdSeq_TakesTheNodeAndItsDevicesOffline()
    {
        BirthNodeAndPump();
        _time.Advance(TimeSpan.FromSeconds(30));

        var result = Send(_edge.NodeDeath());

        Assert.Equal(
            [new SparkplugPresence("plant1", "edge1", "pump-1", false, Start.AddSeconds(30)),
             new SparkplugPresence("plant1", "edge1", null, false, Start.AddSeconds(30))],
            result.PresenceChanges.ToArray());
        Assert.False(_host.IsOnline("plant1", "edge1"));
        Assert.False(_host.IsOnline("plant1", "edge1", "pump-1"));
    }

    [Fact]
    public void NodeDeath_WithAnOlderBdSeq_IsStaleAndIgnored()
    {
        Send(_edge.NodeBirth());
        var staleBdSeq = _edge.BdSeq;
        _edge.Reconnect();
        Send(_edge.NodeBirth());

        var result = Send(_edge.NodeDeath(bdSeq: staleBdSeq));

        Assert.Equal(SparkplugDeadLetterReasons.StaleDeath, Assert.Single(result.DeadLetters).Reason);
        Assert.Empty(result.PresenceChanges);
        Assert.True(_host.IsOnline("plant1", "edge1"));
    }

    [Fact]
    public void PreSparkplug3Node_ThatNeverIncrementsBdSeq_IsRebornAndDiesNormally()
    {
        BirthNodeAndPump();
        Send(_edge.NodeDeath());
        _edge.Reconnect(incrementBdSeq: false);

        var reborn = Send(_edge.NodeBirth(("Uptime", 1L)));
        var data = Send(_edge.NodeData(("Uptime", 2L)));
        var death = Send(_edge.NodeDeath());

        Assert.Contains(new SparkplugPresence("plant1", "edge1", null, true, Start), reborn.PresenceChanges);
        Assert.Equal(2d, Assert.Single(data.Points).Value);
        Assert.Equal(0UL, _edge.BdSeq);
        Assert.Contains(death.PresenceChanges, p => p is { DeviceId: null, Online: false });
    }

    [Fact]
    public void NewNodeBirth_TakesDevicesOfThePreviousSessionOffline()
    {
        BirthNodeAndPump();
        _edge.Reconnect();

        var result = Send(_edge.NodeBirth());

        Assert.Contains(new SparkplugPresence("plant1", "edge1", "pump-1", false, Start), result.PresenceChanges);
        Assert.False(_host.IsOnline("plant1", "edge1", "pump-1"));
        Assert.Equal(SparkplugDeadLetterReasons.NotBorn,
            Assert.Single(Send(_edge.DeviceData("pump-1", ("Temperature", 1d))).DeadLetters).Reason);
    }

    [Fact]
    public void DeviceDeath_TakesOnlyThatDeviceOffline()
    {
        BirthNodeAndPump();
        Send(_edge.DeviceBirth("pump-2", ("Temperature", 30d)));

        var result = Send(_edge.DeviceDeath("pump-1"));

        Assert.Equal(new SparkplugPresence("plant1", "edge1", "pump-1", false, Start), Assert.Single(result.PresenceChanges));
        Assert.False(result.SequenceGap);
        Assert.True(_host.IsOnline("plant1", "edge1", "pump-2"));
        Assert.True(_host.IsOnline("plant1", "edge1"));
    }

    [Fact]
    public void MalformedPayload_IsDeadLettered()
    {
        var result = _host.Handle("spBv1.0/plant1/NDATA/edge1", new byte[] { 0x0A, 0xFF, 0xFF });

        Assert.Equal(SparkplugDeadLetterReasons.MalformedPayload, Assert.Single(result.DeadLetters).Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("GZIP")]
    public void CompressedPayload_IsUnwrapped(string? algorithm)
    {
        BirthNodeAndPump();
        var inner = _edge.DeviceData("pump-1", ("Temperature", 30.5));
        using var body = new MemoryStream();
        using (Stream compressor = algorithm == "GZIP"
            ? new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)
            : new System.IO.Compression.ZLibStream(body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(inner.Payload.Span);
        }
        var wrapper = new Payload { Uuid = SparkplugHost.CompressedUuid, Body = Google.Protobuf.ByteString.CopyFrom(body.ToArray()) };
        if (algorithm is not null)
        {
            wrapper.Metrics.Add(new Metric { Name = "algorithm", Datatype = (uint)DataType.String, StringValue = algorithm });
        }

        var result = _host.Handle(inner.Topic, Google.Protobuf.MessageExtensions.ToByteArray(wrapper));

        Assert.Empty(result.DeadLetters);
        Assert.Equal(("Temperature", 30.5, 2L), (Assert.Single(result.Points).Metric, result.Points[0].Value, result.Points[0].Seq!.Value));
    }

    [Fact]
    public void CompressedPayload_ThatInflatesTooFar_IsDeadLettered()
    {
        using var body = new MemoryStream();
        using (var compressor = new System.IO.Compression.ZLibStream(body, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(new byte[SparkplugHost.MaxDecompressedBytes + 1]);
        }
        var wrapper = new Payload { Uuid = SparkplugHost.CompressedUuid, Body = Google.Protobuf.ByteString.CopyFrom(body.ToArray()) };

        var result = _host.Handle("spBv1.0/plant1/NDATA/edge1", Google.Protobuf.MessageExtensions.ToByteArray(wrapper));

        Assert.Equal(SparkplugDeadLetterReasons.MalformedPayload, Assert.Single(result.DeadLetters).Reason);
    }

    [Fact]
    public async Task ManyEdgeNodesAtOnce_EachKeepsItsOwnSequence()
    {
        var edges = Enumerable.Range(0, 8).Select(i => new SparkplugEdgeNode("plant1", $"edge-{i}", _time)).ToList();

        var results = await Task.WhenAll(edges.Select(edge => Task.Run(() =>
        {
            var own = new List<SparkplugResult> { Send(edge.NodeBirth()), Send(edge.DeviceBirth("pump", ("Temperature", 1d))) };
            own.AddRange(Enumerable.Range(0, 500).Select(i => Send(edge.DeviceData("pump", ("Temperature", (double)i)))));
            return own;
        })));

        Assert.All(results.SelectMany(r => r), r => Assert.False(r.SequenceGap));
        Assert.All(results.SelectMany(r => r), r => Assert.Empty(r.DeadLetters));
        Assert.Equal(8 * 501, results.Sum(r => r.Sum(x => x.Points.Count)));
    }

    [Theory]
    [InlineData("spBv1.0/plant1/NFOO/edge1", SparkplugDeadLetterReasons.UnknownMessageType)]
    [InlineData("spBv1.0/plant1/DDATA/edge1", SparkplugDeadLetterReasons.MalformedTopic)]
    [InlineData("spBv1.0/plant1/NDATA/edge1/pump-1", SparkplugDeadLetterReasons.MalformedTopic)]
    [InlineData("spAv1.0/plant1/NDATA/edge1", SparkplugDeadLetterReasons.MalformedTopic)]
    public void TopicsOutsideTheNamespace_AreDeadLettered(string topic, string reason)
    {
        var result = _host.Handle(topic, Array.Empty<byte>());

        Assert.Equal(reason, Assert.Single(result.DeadLetters).Reason);
    }

    [Fact]
    public void StateAndCommands_AreNotData()
    {
        var state = _host.Handle("spBv1.0/STATE/other-host", "{\"online\":true,\"timestamp\":1}"u8.ToArray());
        var command = _host.Handle("spBv1.0/plant1/NCMD/edge1", SparkplugHost.RebirthCommand("plant1", "edge1", Start).Payload);

        Assert.Equal(SparkplugMessageType.State, state.Topic!.Type);
        Assert.Empty(state.DeadLetters);
        Assert.Empty(command.DeadLetters);
        Assert.Empty(command.Commands);
    }

    [Fact]
    public void StateMessages_AreRetainedQos1JsonWithOneTimestamp()
    {
        var messages = _host.CreateStateMessages();

        Assert.Equal(("spBv1.0/STATE/threadline", 1, true), (messages.Online.Topic, messages.Online.QualityOfService, messages.Online.Retain));
        Assert.Equal(("spBv1.0/STATE/threadline", 1, true), (messages.Offline.Topic, messages.Offline.QualityOfService, messages.Offline.Retain));
        using var online = JsonDocument.Parse(messages.Online.Payload);
        using var offline = JsonDocument.Parse(messages.Offline.Payload);
        Assert.True(online.RootElement.GetProperty("online").GetBoolean());
        Assert.False(offline.RootElement.GetProperty("online").GetBoolean());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), online.RootElement.GetProperty("timestamp").GetInt64());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), offline.RootElement.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public void OwnStateOffline_WhileConnected_RepublishesOnline()
    {
        var session = _host.CreateStateMessages();

        var own = _host.Handle(session.Offline.Topic, session.Offline.Payload);
        var other = _host.Handle("spBv1.0/STATE/other-host", "{\"online\":false,\"timestamp\":1}"u8.ToArray());

        Assert.Equal(session.Online, Assert.Single(own.Commands));
        Assert.Empty(other.Commands);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a#")]
    public void HostId_WithTopicCharacters_IsRefused(string hostId)
    {
        Assert.ThrowsAny<ArgumentException>(() => new SparkplugHost(hostId, _time));
    }

    private static void AssertRebirthCommand(SparkplugOutgoingMessage command)
    {
        Assert.Equal(("spBv1.0/plant1/NCMD/edge1", 0, false), (command.Topic, command.QualityOfService, command.Retain));
        var payload = Payload.Parser.ParseFrom(command.Payload.Span);
        var metric = Assert.Single(payload.Metrics);
        Assert.Equal((SparkplugHost.RebirthMetric, (uint)DataType.Boolean, true), (metric.Name, metric.Datatype, metric.BooleanValue));
    }
}
