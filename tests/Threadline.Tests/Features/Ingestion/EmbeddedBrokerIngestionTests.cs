using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Threadline.Telemetry;
using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion;

public class EmbeddedBrokerIngestionTests
{
    [Fact]
    public async Task Mqtt5ClientWithoutAnId_IsAssignedOne()
    {
        await using var h = await IngestionHarness.StartAsync();
        using var anonymous = new MqttClientFactory().CreateMqttClient();
        var connected = await anonymous.ConnectAsync(h.Server.MqttClientOptions("")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        Assert.StartsWith("auto-", connected.AssignedClientIdentifier);
        await IngestionHarness.PublishAsync(anonymous, IngestionHarness.Topic, IngestionHarness.Envelope(1.5));
        Assert.Equal(1.5, Assert.Single(h.Store.All).Value);
    }

    [Fact]
    public async Task JsonEnvelopeAtQos1_IsStoredUnderTheTopicsAssetWithTheTimestampAtSource()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.2, seq: 17));

        var point = Assert.Single(h.Store.All);
        Assert.Equal(new TelemetryPoint(Asset, "bearing_vibration_x", DateTimeOffset.Parse("2026-03-14T08:30:00.123Z", System.Globalization.CultureInfo.InvariantCulture),
            4.2, "mm/s", TelemetryQuality.Good, "dev-341", 17, StampedOnArrival: false), point);
        Assert.Equal(1, h.Stats.Stored);
        var latest = await h.Server.GetJsonAsync($"/api/ingest/latest/{Asset}");
        Assert.Equal(4.2, latest[0].GetProperty("value").GetDouble());
        Assert.Equal("bearing_vibration_x", latest[0].GetProperty("signal").GetString());
    }

    [Fact]
    public async Task EmbeddedBroker_ListensOnTheConfiguredPort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var h = await IngestionHarness.StartAsync(new Dictionary<string, string?> { ["Mqtt:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        var device = await h.ConnectAsync("dev-341", port: port);

        Assert.Equal(port, h.BrokerPort);
        await PublishAsync(device, Topic, Envelope(4.2));
        Assert.Equal(1, h.Store.Count);
    }

    [Theory]
    [InlineData("2026-03-14T08:30:00.5", "2026-03-14T08:30:00.5Z")]
    [InlineData("2026-03-14T10:30:00.5+02:00", "2026-03-14T08:30:00.5Z")]
    public async Task TimestampWithoutOffset_IsUtc_AndOneWithOffsetIsConverted(string sent, string stored)
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.2, at: sent));

        var point = Assert.Single(h.Store.All);
        Assert.Equal(DateTimeOffset.Parse(stored, System.Globalization.CultureInfo.InvariantCulture), point.Timestamp);
        Assert.Equal(TimeSpan.Zero, point.Timestamp.Offset);
    }

    [Fact]
    public async Task MqttV311Client_IsIngestedToo()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("legacy-plc", MqttProtocolVersion.V311);

        await PublishAsync(device, Topic, Envelope(3.9));

        Assert.Single(h.Store.All);
    }

    [Fact]
    public async Task BareNumber_IsStampedOnArrivalWithTheServerClock()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, " 3.25 ");

        var point = Assert.Single(h.Store.All);
        Assert.Equal(3.25, point.Value);
        Assert.True(point.StampedOnArrival);
        Assert.Equal(h.Server.Time.GetUtcNow(), point.Timestamp);
        Assert.Equal("dev-341", point.Source);
    }

    [Fact]
    public async Task Qos0Publish_IsStoredWithoutWaitingForTheStore()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.0), MqttQualityOfServiceLevel.AtMostOnce);

        await h.Store.WaitForCountAsync(1);
    }

    [Fact]
    public async Task Qos1Acknowledgement_ArrivesOnlyAfterTheStoreHasThePoint()
    {
        var store = new InMemoryTelemetryStore();
        await using var h = await IngestionHarness.StartAsync(store: store);
        var device = await h.ConnectAsync("dev-341");
        var gate = new TaskCompletionSource();
        store.AppendEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Gate = gate.Task;

        var publish = PublishAsync(device, Topic, Envelope(4.2));
        await store.AppendEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(publish.IsCompleted, "the broker acknowledged a QoS 1 publish while its append was still held");
        Assert.Equal(0, store.Count);
        gate.SetResult();
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, store.Count);
    }

    [Theory]
    [InlineData(MqttQualityOfServiceLevel.AtLeastOnce, false)]
    [InlineData(MqttQualityOfServiceLevel.AtMostOnce, true)]
    public async Task PublishInterceptor_ForQos1_ReturnsOnlyAfterTheStoreHasThePoint(MqttQualityOfServiceLevel qos, bool returnsWhileAppendHeld)
    {
        // MQTTnet awaits this interceptor before it queues the PUBACK (MqttConnectedClient.HandleIncomingPublishPacket),
        // so the handler's completion is the acknowledgement's earliest moment; observed here without network timing.
        var store = new InMemoryTelemetryStore();
        await using var h = await IngestionHarness.StartAsync(store: store);
        var gate = new TaskCompletionSource();
        store.AppendEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Gate = gate.Task;
        var message = new MqttApplicationMessageBuilder().WithTopic(Topic).WithPayload(Envelope(4.2)).WithQualityOfServiceLevel(qos).Build();
        var args = new MQTTnet.Server.InterceptingPublishEventArgs(message, "dev-341", null,
            h.Server.Services.GetRequiredService<Security.BrokerSecurity>().ServerSessionItems, CancellationToken.None);

        var handled = h.Server.Services.GetRequiredService<EmbeddedBroker>().OnPublishAsync(args);
        await store.AppendEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(returnsWhileAppendHeld, handled.IsCompleted);
        gate.SetResult();
        await handled.WaitAsync(TimeSpan.FromSeconds(10));
        if (qos == MqttQualityOfServiceLevel.AtLeastOnce)
        {
            Assert.Equal(1, store.Count);
        }
        await store.WaitForCountAsync(1);
        Assert.False(args.CloseConnection);
    }

    [Fact]
    public async Task StoreFailure_WithholdsTheAcknowledgement_AndTheResentPointIsStored()
    {
        var store = new InMemoryTelemetryStore { FailNext = new IOException("disk full") };
        await using var h = await IngestionHarness.StartAsync(store: store);
        var device = await h.ConnectAsync("dev-341");

        await Assert.ThrowsAnyAsync<Exception>(() => PublishAsync(device, Topic, Envelope(4.2, seq: 1)));

        Assert.Equal(0, store.Count);
        Assert.Equal(1, h.Stats.StoreFailures);
        var again = await h.ConnectAsync("dev-341-again");
        await PublishAsync(again, Topic, Envelope(4.2, seq: 1));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task SameSourceAndSeq_IsStoredOnceAndCountedAsDuplicate()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.2, at: "2026-03-14T08:30:00Z", seq: 5));
        await PublishAsync(device, Topic, Envelope(4.2, at: "2026-03-14T08:30:00Z", seq: 5));
        await PublishAsync(device, Topic, Envelope(4.3, at: "2026-03-14T08:30:01Z", seq: 6));

        Assert.Equal(2, h.Store.Count);
        Assert.Equal(2, h.Stats.Stored);
        Assert.Equal(1, h.Stats.Duplicate);
    }

    [Fact]
    public async Task PointsArrivingOutOfOrder_AreAllStoredAndCounted()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.1, at: "2026-03-14T08:30:02Z"));
        await PublishAsync(device, Topic, Envelope(4.0, at: "2026-03-14T08:30:01Z"));

        Assert.Equal([4.0, 4.1], h.Store.All.Select(p => p.Value));
        Assert.Equal(1, h.Stats.OutOfOrder);
    }

    [Fact]
    public async Task StatsEndpoint_ReturnsCountsByOutcome()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");
        await PublishAsync(device, Topic, Envelope(4.2));
        await PublishAsync(device, Topic, "{not json");

        var stats = await h.Server.GetJsonAsync("/api/ingest/stats");

        Assert.Equal(1, stats.GetProperty("stored").GetInt64());
        Assert.Equal(0, stats.GetProperty("duplicate").GetInt64());
        Assert.Equal(0, stats.GetProperty("outOfOrder").GetInt64());
        Assert.Equal(1, stats.GetProperty("deadLettered").GetProperty("malformed-json").GetInt64());
        Assert.Equal(0, stats.GetProperty("quarantined").GetInt64());
        Assert.Equal(0, stats.GetProperty("ephemeral").GetInt64());
        Assert.Equal(0, stats.GetProperty("lifecycleEvents").GetInt64());
    }

    [Fact]
    public async Task OtherTopics_AreBrokeredAndNotIngested()
    {
        await using var h = await IngestionHarness.StartAsync();
        var received = await h.SubscribeAsync("other/#");
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, "other/chat", "hello");

        var message = await received.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("hello", Encoding.UTF8.GetString(message.Payload));
        Assert.Equal(0, h.Store.Count);
        Assert.Empty(h.Stats.DeadLettered);
    }
}
