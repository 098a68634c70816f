using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Features.Telemetry;
using Threadline.Plm;
using Threadline.Testing;

namespace Threadline.Features.Ingestion;

/// <summary>A test server with the in-memory installed base and store, its embedded broker, and real MQTT clients.</summary>
public sealed class IngestionHarness : IAsyncDisposable
{
    public const string Prefix = "acme";
    public const string Asset = "PUMP-4720-SN00341-R04";
    public const string Topic = $"{Prefix}/plant-1/area-2/line-3/cell-1/{Asset}/bearing_vibration_x";

    private readonly List<IMqttClient> _clients = [];

    private IngestionHarness(ThreadlineTestServer server, InMemoryAssets assets, InMemoryTelemetryStore store)
    {
        Server = server;
        Assets = assets;
        Store = store;
    }

    public ThreadlineTestServer Server { get; }

    public InMemoryAssets Assets { get; }

    public InMemoryTelemetryStore Store { get; }

    public int BrokerPort => Server.Services.GetRequiredService<EmbeddedBroker>().Port;

    public IngestStats Stats => Server.Services.GetRequiredService<IngestionCounters>().Snapshot();

    public static AssetBinding Pump(string assetId = Asset, string? device = "dev-341") => new(
        assetId, "SN00341", "CP-4720", "C", device, "acme/plant-1/area-2/line-3/cell-1", EndOfLife: false,
        [
            new DesignLimit("bearing_vibration_x", null, 5.0, "mm/s", LimitSeverity.Warning),
            new DesignLimit("bearing_vibration_x", null, 7.1, "mm/s", LimitSeverity.Critical),
        ]);

    public static async Task<IngestionHarness> StartAsync(
        IDictionary<string, string?>? settings = null,
        InMemoryTelemetryStore? store = null,
        InMemoryAssets? assets = null)
    {
        assets ??= new InMemoryAssets().Add(Pump());
        store ??= new InMemoryTelemetryStore();
        var all = new Dictionary<string, string?> { ["Uns:Prefix"] = Prefix };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }
        var server = await ThreadlineTestServer.StartAsync(all, services =>
        {
            services.AddSingleton(assets);
            services.AddSingleton<IAssetLookup>(assets);
            services.AddSingleton<IAssetEventLog>(assets);
            services.AddSingleton<ITelemetryStore>(store);
        });
        return new IngestionHarness(server, assets, store);
    }

    public async Task<IMqttClient> ConnectAsync(string clientId, MqttProtocolVersion version = MqttProtocolVersion.V500, int? port = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(Server.MqttClientOptions(clientId)
            .WithTcpServer("127.0.0.1", port ?? BrokerPort)
            .WithProtocolVersion(version)
            .Build());
        _clients.Add(client);
        return client;
    }

    /// <summary>Disposes <paramref name="client"/> with the harness.</summary>
    public IMqttClient Track(IMqttClient client)
    {
        _clients.Add(client);
        return client;
    }

    /// <summary>Subscribes a fresh client to <paramref name="filter"/> and returns the messages it receives, as they come.</summary>
    public async Task<ChannelReader<MqttApplicationMessage>> SubscribeAsync(string filter)
    {
        var received = Channel.CreateUnbounded<MqttApplicationMessage>();
        var client = await ConnectAsync("watcher-" + Guid.NewGuid().ToString("N")[..8]);
        client.ApplicationMessageReceivedAsync += e =>
        {
            received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return received.Reader;
    }

    public static Task PublishAsync(IMqttClient client, string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(qos).Build());

    public static string Envelope(double value, string at = "2026-03-14T08:30:00.123Z", long? seq = null, string name = "bearing_vibration_x", string device = "dev-341") =>
        $$"""{"timestamp":"{{at}}","source":{"device_id":"{{device}}","fw":"2.1"},"measurement":{"name":"{{name}}","value":{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"unit":"mm/s","quality":"Good"}{{(seq is null ? "" : $",\"seq\":{seq}")}}}""";

    public static string UserProperty(MqttApplicationMessage message, string name) =>
        message.UserProperties?.FirstOrDefault(p => p.Name == name)?.ReadValueAsString() ?? "";

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync();
            }
            client.Dispose();
        }
        Store.AbandonGate();
        await Server.DisposeAsync();
    }
}
