using System.Buffers;
using System.Text;
using MQTTnet;
using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion;

public class BadInputTests
{
    public static TheoryData<string, string, string> BadPayloads => new()
    {
        { Topic, "{\"measurement\":{\"value\":4.2", DeadLetterReasons.MalformedJson },
        { Topic, "{\"measurement\":{\"value\":\"high\"}}", DeadLetterReasons.NonNumeric },
        { Topic, "{\"measurement\":{\"value\":true}}", DeadLetterReasons.NonNumeric },
        { Topic, "{\"measurement\":{\"value\":\"NaN\"}}", DeadLetterReasons.NotFinite },
        { Topic, "{\"measurement\":{\"value\":NaN}}", DeadLetterReasons.NotFinite },
        { Topic, "{\"measurement\":{\"value\":1e400}}", DeadLetterReasons.NotFinite },
        { Topic, "Infinity", DeadLetterReasons.NotFinite },
        { Topic, "{\"measurement\":{\"unit\":\"mm/s\"}}", DeadLetterReasons.MissingValue },
        { Topic, "{\"timestamp\":\"yesterday\",\"measurement\":{\"value\":1}}", DeadLetterReasons.BadTimestamp },
        { Topic, "{\"measurement\":{\"value\":1,\"quality\":\"Great\"}}", DeadLetterReasons.BadQuality },
        { Topic, Envelope(4.2, name: "bearing_vibration_y"), DeadLetterReasons.SignalMismatch },
        { $"{Prefix}/lonely", "4.2", DeadLetterReasons.BadTopic },
        { "spBv1.0/plant-1/DDATA/edge-1/pump-341", "\u0012\u0005ab", "sparkplug-malformed-payload" },
        { "spBv1.0/plant-1/DDATA/edge-1/pump-341", "\u0008\u0001", "sparkplug-not-born" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task BadMessage_IsCountedAndRepublishedWithItsReason_AndNothingIsStored(string topic, string payload, string reason)
    {
        await using var h = await IngestionHarness.StartAsync();
        var deadLetters = await h.SubscribeAsync($"{Prefix}/_deadletter/#");
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, topic, payload);

        var message = await deadLetters.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"{Prefix}/_deadletter/{reason}/{topic}", message.Topic);
        Assert.Equal(payload, Encoding.UTF8.GetString(message.Payload));
        Assert.Equal(reason, UserProperty(message, "reason"));
        Assert.Equal(topic, UserProperty(message, "original-topic"));
        Assert.Equal(1, h.Stats.DeadLettered[reason]);
        Assert.Equal(0, h.Store.Count);
    }

    [Fact]
    public async Task OversizedPayload_IsDeadLetteredCutToTheLimit()
    {
        await using var h = await IngestionHarness.StartAsync(new Dictionary<string, string?> { ["Mqtt:MaxPayloadBytes"] = "100" });
        var deadLetters = await h.SubscribeAsync($"{Prefix}/_deadletter/#");
        var device = await h.ConnectAsync("dev-341");
        var payload = Envelope(4.2) + new string(' ', 400);

        await PublishAsync(device, Topic, payload);

        var message = await deadLetters.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"{Prefix}/_deadletter/oversized/{Topic}", message.Topic);
        Assert.Equal(100, message.Payload.Length);
        Assert.Equal("true", UserProperty(message, "truncated"));
        Assert.Equal(payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), UserProperty(message, "original-size"));
        Assert.Equal(0, h.Store.Count);
    }

    [Fact]
    public async Task GoodMessagesAfterBadOnes_AreStillStored()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        for (var i = 0; i < 50; i++)
        {
            await PublishAsync(device, Topic, i % 2 == 0 ? "{garbage" : Envelope(i, at: $"2026-03-14T08:30:{i:00}Z"));
        }

        Assert.Equal(25, h.Store.Count);
        Assert.Equal(25, h.Stats.DeadLettered[DeadLetterReasons.MalformedJson]);
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task UnknownAsset_IsQuarantinedListedAndRepublished_NotStored()
    {
        await using var h = await IngestionHarness.StartAsync();
        var quarantined = await h.SubscribeAsync($"{Prefix}/_quarantine/#");
        var device = await h.ConnectAsync("dev-999");
        var topic = $"{Prefix}/plant-1/PUMP-9999/bearing_vibration_x";

        await PublishAsync(device, topic, Envelope(1.0, device: "dev-999"));
        h.Server.Time.Advance(TimeSpan.FromMinutes(1));
        await PublishAsync(device, topic, Envelope(2.0, device: "dev-999"));

        Assert.Equal(0, h.Store.Count);
        Assert.Equal(2, h.Stats.Quarantined);
        var list = await h.Server.GetJsonAsync("/api/ingest/quarantine");
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal("asset", entry.GetProperty("kind").GetString());
        Assert.Equal("PUMP-9999", entry.GetProperty("id").GetString());
        Assert.Equal("unknown-asset", entry.GetProperty("reason").GetString());
        Assert.Equal(topic, entry.GetProperty("lastTopic").GetString());
        Assert.Equal(2, entry.GetProperty("count").GetInt64());
        Assert.Equal(TimeSpan.FromMinutes(1), entry.GetProperty("lastSeen").GetDateTimeOffset() - entry.GetProperty("firstSeen").GetDateTimeOffset());
        Assert.Equal(2, entry.GetProperty("samplePayloads").GetArrayLength());
        var republished = await quarantined.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal($"{Prefix}/_quarantine/{topic}", republished.Topic);
    }

    [Fact]
    public async Task EndOfLifeAsset_IsQuarantined()
    {
        var assets = new InMemoryAssets().Add(Pump() with { EndOfLife = true });
        await using var h = await IngestionHarness.StartAsync(assets: assets);
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(1.0));

        Assert.Equal(0, h.Store.Count);
        var entry = Assert.Single(h.Server.Services.GetRequiredService<IngestQuarantine>().Snapshot());
        Assert.Equal(IngestQuarantine.EndOfLife, entry.Reason);
    }

    [Fact]
    public async Task FloodFromOneClient_WaitsOnItsOwnShare_WhileAnotherClientStillGetsIn()
    {
        var store = new InMemoryTelemetryStore();
        var gate = new TaskCompletionSource();
        store.Gate = gate.Task;
        await using var h = await IngestionHarness.StartAsync(new Dictionary<string, string?> { ["Ingestion:MaxQueuedPerClient"] = "4" }, store: store);
        var router = h.Server.Services.GetRequiredService<IngestionRouter>();
        ReadOnlySequence<byte> Payload(int i) => new(Encoding.UTF8.GetBytes(Envelope(i, at: $"2026-03-14T08:{i / 60:00}:{i % 60:00}Z")));

        var flood = new List<Task>();
        for (var i = 0; i < 10; i++)
        {
            flood.Add(router.AcceptAsync(Topic, Payload(i), "flooder", trackDurability: false, CancellationToken.None).AsTask());
        }
        var other = router.AcceptAsync(Topic, Payload(100), "neighbour", trackDurability: true, CancellationToken.None).AsTask();

        // The neighbour's point is accepted (queued) although the flooder has more waiting than its share.
        var accepted = await other.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(IngestOutcome.Queued, accepted.Outcome);
        Assert.True(flood.Count(t => !t.IsCompleted) >= 10 - 4 - 1, "the flooder got more than its share of the queue");
        gate.SetResult();
        await Task.WhenAll(flood).WaitAsync(TimeSpan.FromSeconds(10));
        await accepted.Durable.WaitAsync(TimeSpan.FromSeconds(10));
        await store.WaitForCountAsync(11);
    }
}
