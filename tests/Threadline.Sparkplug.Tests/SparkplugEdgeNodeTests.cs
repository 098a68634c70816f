using Microsoft.Extensions.Time.Testing;
using Threadline.Sparkplug.Protobuf;

namespace Threadline.Sparkplug;

public sealed class SparkplugEdgeNodeTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly SparkplugEdgeNode _edge = new("plant1", "edge1", new FakeTimeProvider(Start));

    [Fact]
    public void NodeBirth_StartsAtSeqZero_WithBdSeq_AndDataCountsOnFromThere()
    {
        var birth = Payload.Parser.ParseFrom(_edge.NodeBirth(("Uptime", 1L)).Payload.Span);
        var device = Payload.Parser.ParseFrom(_edge.DeviceBirth("pump-1", ("Temperature", 20.0)).Payload.Span);
        var data = Payload.Parser.ParseFrom(_edge.DeviceData("pump-1", ("Temperature", 21.0)).Payload.Span);

        Assert.Equal((0UL, 1UL, 2UL), (birth.Seq, device.Seq, data.Seq));
        Assert.Contains(birth.Metrics, m => m.Name == SparkplugHost.BdSeqMetric && m.LongValue == 0);
        Assert.Equal((ulong)Start.ToUnixTimeMilliseconds(), birth.Timestamp);
    }

    [Fact]
    public void DeviceData_CarriesTheBirthsAliasOnly()
    {
        _edge.NodeBirth();
        _edge.DeviceBirth("pump-1", ("Temperature", 20.0), ("Running", true));

        var metric = Assert.Single(Payload.Parser.ParseFrom(_edge.DeviceData("pump-1", ("Running", false)).Payload.Span).Metrics);

        Assert.Equal((_edge.AliasOf("pump-1", "Running"), false, false), (metric.Alias, metric.HasName, metric.BooleanValue));
    }

    [Fact]
    public void Messages_GoAtQos0_ButTheDeathWillAtQos1_NoneRetained()
    {
        var death = _edge.NodeDeath();
        var birth = _edge.NodeBirth();
        var deviceBirth = _edge.DeviceBirth("pump-1", ("Temperature", 20.0));

        Assert.Equal(("spBv1.0/plant1/NDEATH/edge1", 1, false), (death.Topic, death.QualityOfService, death.Retain));
        Assert.Equal(("spBv1.0/plant1/NBIRTH/edge1", 0, false), (birth.Topic, birth.QualityOfService, birth.Retain));
        Assert.Equal(("spBv1.0/plant1/DBIRTH/edge1/pump-1", 0, false), (deviceBirth.Topic, deviceBirth.QualityOfService, deviceBirth.Retain));
    }

    [Fact]
    public void Reconnect_MovesBdSeqOn_AndTheHostTakesTheNewBirth()
    {
        var host = new SparkplugHost("threadline", new FakeTimeProvider(Start));
        var staleWill = _edge.NodeDeath();
        var first = _edge.NodeBirth();
        host.Handle(first.Topic, first.Payload);
        _edge.Reconnect();
        var second = _edge.NodeBirth();
        host.Handle(second.Topic, second.Payload);

        var late = host.Handle(staleWill.Topic, staleWill.Payload);

        Assert.Equal(1UL, _edge.BdSeq);
        Assert.Equal(SparkplugDeadLetterReasons.StaleDeath, Assert.Single(late.DeadLetters).Reason);
        Assert.True(host.IsOnline("plant1", "edge1"));
    }

    [Fact]
    public void Message_ForABirthOrDeathOfTheNode_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _edge.Message(SparkplugMessageType.NBirth, null, _ => { }));
    }
}
