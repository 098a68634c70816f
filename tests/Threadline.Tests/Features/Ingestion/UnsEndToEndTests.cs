using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Sparkplug;
using Threadline.Sparkplug.Protobuf;
using Threadline.Testing;
using Metric = Threadline.Sparkplug.Protobuf.Payload.Types.Metric;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The whole ingestion path with nothing replaced: the demo PLM, units registered through the API, the embedded
/// broker, the DuckDB store, and the API reading back what arrived.
/// </summary>
public sealed class UnsEndToEndTests : IAsyncLifetime
{
    private const string Site = "acme/plant-1/area-2/line-3/cell-1";
    private ThreadlineTestServer _server = null!;
    private readonly List<IMqttClient> _clients = [];
    private string _revisionC = "";
    private string _revisionD = "";

    public async Task InitializeAsync()
    {
        _server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Uns:Prefix"] = "acme" });
        await DemoPumpFamily.SeedAsync(_server.Services.GetRequiredService<PlmService>(), default);
        _revisionC = await RegisterAsync("SN00341", "2025-06-01", "edge-341");
        _revisionD = await RegisterAsync("SN00420", "2026-03-01", "plant1/edge1/pump-420");
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        await _server.DisposeAsync();
    }

    private async Task<string> RegisterAsync(string serial, string shipDate, string device) =>
        (await ThreadlineTestServer.ExpectSuccess(await _server.PostAsync("/api/assets", new { serial, item = DemoPumpFamily.Pump, shipDate, site = Site, iotDeviceId = device })))
            .GetProperty("assetId").GetString()!;

    private async Task<IMqttClient> ConnectAsync()
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(_server.MqttClientOptions("test-" + Guid.NewGuid().ToString("N")[..8]).Build());
        _clients.Add(client);
        return client;
    }

    private static Task PublishAsync(IMqttClient client, string topic, byte[] payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    private static byte[] Envelope(double value, string at) =>
        Encoding.UTF8.GetBytes(IngestionHarness.Envelope(value, at, device: "edge-341"));

    private async Task<List<double>> Values(string assetId, string signal) =>
        [.. (await _server.GetJsonAsync($"/api/assets/{assetId}/telemetry/{signal}?from=2026-11-22T00:00:00Z&to=2026-11-24T00:00:00Z"))
            .GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble())];

    private async Task<List<JsonElement>> Events(string assetId) =>
        [.. (await _server.GetJsonAsync($"/api/assets/{assetId}/events")).EnumerateArray()];

    [Fact]
    public async Task JsonPoint_IsReadableThroughTheTelemetryApi_OnceThePublishIsAcknowledged()
    {
        var client = await ConnectAsync();
        await PublishAsync(client, $"acme/{Site}/{_revisionC}/bearing_vibration_x", Envelope(2.1, "2026-11-23T07:59:00Z"));
        // Out of order on purpose: stored in time order all the same.
        await PublishAsync(client, $"acme/{Site}/{_revisionC}/bearing_vibration_x", Envelope(1.9, "2026-11-23T07:58:00Z"));

        Assert.Equal([1.9, 2.1], await Values(_revisionC, "bearing_vibration_x"));
    }

    [Fact]
    public async Task SameVibration_CrossesTheLimitOfRevisionD_ButNotOfRevisionC()
    {
        var client = await ConnectAsync();
        // 3.1 mm/s: above revision D's warning (2.8), below revision C's (4.5).
        await PublishAsync(client, $"acme/{Site}/{_revisionC}/bearing_vibration_x", Envelope(3.1, "2026-11-23T07:59:00Z"));
        await PublishAsync(client, $"acme/{Site}/{_revisionD}/bearing_vibration_x", Envelope(3.1, "2026-11-23T07:59:00Z"));

        Assert.DoesNotContain(await Events(_revisionC), e => e.GetProperty("kind").GetString() == "alert-raised");
        var crossing = Assert.Single(await Events(_revisionD), e => e.GetProperty("kind").GetString() == "alert-raised");
        Assert.Equal(("D", "bearing_vibration_x", 3.1, 2.8, "mm/s", "Warning"), (
            crossing.GetProperty("revision").GetString(), crossing.GetProperty("signal").GetString(), crossing.GetProperty("value").GetDouble(),
            crossing.GetProperty("limitMax").GetDouble(), crossing.GetProperty("unit").GetString(), crossing.GetProperty("severity").GetString()));
        Assert.Equal(DemoPumpFamily.Pump, crossing.GetProperty("item").GetString());
    }

    [Fact]
    public async Task UnknownAsset_IsQuarantined_AndTheValidationGateListsItWithAProposal()
    {
        var client = await ConnectAsync();
        await PublishAsync(client, $"acme/{Site}/PUMP-4720-SN00341-R04/bearing_vibration_x", Envelope(2.0, "2026-11-23T07:59:00Z"));

        var quarantine = await _server.GetJsonAsync("/api/ingest/quarantine");
        Assert.Contains(quarantine.EnumerateArray(), q => q.GetProperty("id").GetString() == "PUMP-4720-SN00341-R04");
        var gate = await _server.GetJsonAsync("/api/assets/validation");
        var entry = Assert.Single(gate.GetProperty("unresolved").EnumerateArray());
        Assert.Equal(("PUMP-4720-SN00341-R04", "unknown-asset", _revisionC),
            (entry.GetProperty("assetId").GetString(), entry.GetProperty("reason").GetString(), entry.GetProperty("proposal").GetString()));
        Assert.Empty(await Values(_revisionC, "bearing_vibration_x"));
    }

    [Fact]
    public async Task QuarantinedUnit_FlowsAsSoonAsItIsRegistered()
    {
        var client = await ConnectAsync();
        const string topic = $"acme/{Site}/PUMP-4720-SN00500-R04/bearing_vibration_x";
        await PublishAsync(client, topic, Envelope(1.0, "2026-11-23T07:58:00Z"));
        Assert.Equal(1, (await _server.GetJsonAsync("/api/ingest/stats")).GetProperty("quarantined").GetInt64());

        Assert.Equal("PUMP-4720-SN00500-R04", await RegisterAsync("SN00500", "2026-03-01", "edge-500"));
        await PublishAsync(client, topic, Envelope(1.1, "2026-11-23T07:59:00Z"));

        Assert.Equal([1.1], await Values("PUMP-4720-SN00500-R04", "bearing_vibration_x"));
    }

    [Fact]
    public async Task SparkplugDevice_BirthDataAndDeath_LandOnItsAsset_AndAnUnknownAliasAsksForARebirth()
    {
        var watcher = await ConnectAsync();
        var commands = Channel.CreateUnbounded<MqttApplicationMessage>();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            commands.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("spBv1.0/plant1/NCMD/edge1").WithTopicFilter("spBv1.0/STATE/threadline").Build());
        var state = await commands.Reader.ReadAsync();
        Assert.Equal(("spBv1.0/STATE/threadline", true), (state.Topic, state.Retain));
        Assert.True(JsonDocument.Parse(state.Payload.ToArray()).RootElement.GetProperty("online").GetBoolean());

        var edge = new SparkplugEdgeNode("plant1", "edge1", _server.Time);
        var client = await ConnectAsync();
        async Task Send(SparkplugOutgoingMessage message)
        {
            await PublishAsync(client, message.Topic, message.Payload.ToArray());
            _server.Time.Advance(TimeSpan.FromSeconds(1));
        }
        await Send(edge.NodeBirth());
        await Send(edge.DeviceBirth("pump-420", ("Pump/bearing_vibration_x", 1.2), ("Pump/flow", 44.0)));
        await Send(edge.DeviceData("pump-420", ("Pump/bearing_vibration_x", 1.4), ("Pump/flow", 45.5)));
        await Send(edge.DeviceData("pump-420", ("Pump/bearing_vibration_x", 3.3)));
        await Send(edge.Message(SparkplugMessageType.DData, "pump-420",
            p => p.Metrics.Add(new Metric { Alias = 999, Datatype = (uint)DataType.Double, DoubleValue = 7.0 })));
        await Send(edge.DeviceDeath("pump-420"));

        Assert.Equal([1.2, 1.4, 3.3], await Values(_revisionD, "bearing_vibration_x"));
        Assert.Equal([44.0, 45.5], await Values(_revisionD, "flow"));
        var kinds = (await Events(_revisionD)).Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["device-online", "alert-raised", "device-offline"], kinds);

        var rebirth = await commands.Reader.ReadAsync();
        Assert.Equal("spBv1.0/plant1/NCMD/edge1", rebirth.Topic);
        var metric = Assert.Single(SparkplugHost.Decode(rebirth.Payload.ToArray()).Metrics);
        Assert.Equal((SparkplugHost.RebirthMetric, true), (metric.Name, metric.BooleanValue));
        var stats = await _server.GetJsonAsync("/api/ingest/stats");
        Assert.Equal(1, stats.GetProperty("deadLettered").GetProperty("sparkplug-unknown-alias").GetInt64());
    }
}
