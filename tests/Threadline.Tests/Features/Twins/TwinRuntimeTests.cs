using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Features.Demo;
using Threadline.Features.Ingestion;
using Threadline.Features.Plm;
using Threadline.Testing;

namespace Threadline.Features.Twins;

/// <summary>
/// Twins in the server's own Orleans silo, built from PLM and fed through the embedded broker: nothing replaced.
/// The feed is awaited through <see cref="TwinFeed.DrainedAsync"/>, never by sleeping.
/// </summary>
public sealed class TwinRuntimeTests : IAsyncLifetime
{
    private const string Site = "acme/plant-1/area-2";
    private readonly string _data = Directory.CreateTempSubdirectory("threadline-twins-").FullName;
    private ThreadlineTestServer _server = null!;
    private string _c = "";
    private string _d = "";

    private Dictionary<string, string?> Settings => new()
    {
        ["Uns:Prefix"] = "acme", ["Twins:Enabled"] = "true", ["DataDirectory"] = _data,
    };

    public async Task InitializeAsync()
    {
        _server = await ThreadlineTestServer.StartAsync(Settings);
        await DemoPumpFamily.SeedAsync(_server.Services.GetRequiredService<PlmService>(), default);
        _c = await RegisterAsync("SN00341", "2025-06-01");
        _d = await RegisterAsync("SN00420", "2026-03-01");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<string> RegisterAsync(string serial, string shipDate) =>
        (await ThreadlineTestServer.ExpectSuccess(await _server.PostAsync("/api/assets", new { serial, item = DemoPumpFamily.Pump, shipDate, site = Site })))
            .GetProperty("assetId").GetString()!;

    private static async Task<IMqttClient> ConnectAsync(ThreadlineTestServer server)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(server.MqttClientOptions("t-" + Guid.NewGuid().ToString("N")[..8]).Build());
        return client;
    }

    /// <summary>Publishes one reading per signal at <paramref name="at"/> for both pumps, at QoS 1.</summary>
    private static async Task PublishAsync(IMqttClient client, string assetId, DateTimeOffset at, params (string Signal, double Value)[] readings)
    {
        foreach (var (signal, value) in readings)
        {
            var payload = "{\"timestamp\":\"" + at.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)
                + "\",\"measurement\":{\"name\":\"" + signal + "\",\"value\":" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"acme/{Site}/{assetId}/{signal}")
                .WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
    }

    private static readonly (string Signal, double Value)[] Running = PumpReadings.RunningSignals;

    /// <summary>Three samples a minute apart from <paramref name="at"/>: a limit alert needs more than one (Tuning.OnDelay).</summary>
    private Task FeedBothAsync(ThreadlineTestServer server, double vibration, DateTimeOffset at) => FeedAsync(server, vibration, at, _c, _d);

    private static async Task FeedAsync(ThreadlineTestServer server, double vibration, DateTimeOffset at, params string[] assets)
    {
        var client = await ConnectAsync(server);
        for (var minute = 0; minute < 3; minute++)
        {
            foreach (var asset in assets)
            {
                await PublishAsync(client, asset, at.AddMinutes(minute), [.. Running, ("bearing_vibration_x", vibration)]);
            }
        }
        await server.Services.GetRequiredService<TwinFeed>().DrainedAsync();
        client.Dispose();
    }

    [Fact]
    public async Task SameVibration_RaisesAnAlertOnTheRevisionDTwinOnly_WithItsPlmContext()
    {
        await FeedBothAsync(_server, 3.5, new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero));

        var c = await _server.GetJsonAsync($"/api/twins/{_c}");
        var d = await _server.GetJsonAsync($"/api/twins/{_d}");
        Assert.Equal(("C", "D"), (c.GetProperty("revision").GetString(), d.GetProperty("revision").GetString()));
        Assert.Equal(3.5, d.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
        Assert.DoesNotContain(c.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("signal").GetString() == "bearing_vibration_x");
        var alert = Assert.Single(d.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("signal").GetString() == "bearing_vibration_x");
        Assert.Equal((2.8, "D", DemoPumpFamily.Pump), (alert.GetProperty("limit").GetProperty("max").GetDouble(),
            alert.GetProperty("revision").GetString(), alert.GetProperty("item").GetString()));
        Assert.True(d.GetProperty("derived").TryGetProperty("hydraulic_power", out _) || d.GetProperty("derived").EnumerateObject().Any(), d.GetRawText());

        var events = await _server.GetJsonAsync($"/api/assets/{_d}/events");
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("kind").GetString() == "alert-raised" && e.GetProperty("revision").GetString() == "D");
    }

    [Fact]
    public async Task OneCrossing_IsOneAlertRecord_WhoseRaiseChangeAndClearShareOneAlertId()
    {
        var t0 = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
        await FeedAsync(_server, 3.5, t0, _d);
        await FeedAsync(_server, 5.0, t0.AddMinutes(3), _d);
        await FeedAsync(_server, 1.0, t0.AddMinutes(6), _d);

        var steps = (await _server.GetJsonAsync($"/api/assets/{_d}/events")).EnumerateArray()
            .Where(e => e.GetProperty("signal").GetString() == "bearing_vibration_x").ToList();
        Assert.Equal([("alert-raised", "Warning"), ("alert-changed", "Critical"), ("alert-cleared", "Critical")],
            steps.Select(e => (e.GetProperty("kind").GetString(), e.GetProperty("severity").GetString())));
        var alert = steps[0].GetProperty("alert");
        Assert.Equal(("limit", "bearing-wear"), (alert.GetProperty("kind").GetString(), alert.GetProperty("failureMode").GetString()));
        Assert.Single(steps.Select(e => e.GetProperty("alert").GetProperty("id").GetString()).Distinct());
        Assert.Equal(0, (await _server.GetJsonAsync("/api/ingest/stats")).GetProperty("limitCrossings").GetInt64());

        var found = Assert.Single((await _server.GetJsonAsync(
            $"/api/alerts?failureMode=bearing-wear&item={DemoPumpFamily.Pump}&revision=D&from=2026-11-01&to=2026-12-01")).EnumerateArray());
        Assert.Equal((alert.GetProperty("id").GetString(), _d, "Warning", "Critical", false), (found.GetProperty("alertId").GetString(),
            found.GetProperty("assetId").GetString(), found.GetProperty("raisedSeverity").GetString(), found.GetProperty("severity").GetString(),
            found.GetProperty("active").GetBoolean()));
        Assert.Empty((await _server.GetJsonAsync("/api/alerts?failureMode=bearing-wear&revision=C&from=2026-11-01&to=2026-12-01")).EnumerateArray());
    }

    [Fact]
    public async Task TwinAlert_IsPublishedOnTheAssetsOwnUnsBranch()
    {
        using var watcher = await ConnectAsync(_server);
        var received = Channel.CreateUnbounded<MqttApplicationMessage>();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            received.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await watcher.SubscribeAsync($"acme/{Site}/{_d}/_twin/#", MqttQualityOfServiceLevel.AtLeastOnce);

        await FeedBothAsync(_server, 3.5, new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero));

        var patience = TimeSpan.FromSeconds(30);
        var message = await received.Reader.ReadAsync().AsTask().WaitAsync(patience);
        while (message.Topic != $"acme/{Site}/{_d}/_twin/alert")
        {
            message = await received.Reader.ReadAsync().AsTask().WaitAsync(patience);
        }
        var alert = JsonDocument.Parse(message.Payload.ToArray()).RootElement;
        Assert.Equal("D", alert.GetProperty("revision").GetString());
        Assert.Equal(0, (await _server.GetJsonAsync("/api/ingest/stats")).GetProperty("quarantined").GetInt64());
    }

    [Fact]
    public async Task TwinState_SurvivesARestart_AndIsListedWithItsSite()
    {
        await FeedBothAsync(_server, 1.1, new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero));
        await _server.DisposeAsync();

        _server = await ThreadlineTestServer.StartAsync(Settings);
        var d = await _server.GetJsonAsync($"/api/twins/{_d}");
        Assert.Equal(1.1, d.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
        var listed = await _server.GetJsonAsync("/api/twins?site=acme/plant-1");
        Assert.Equal([_c, _d], listed.EnumerateArray().Select(t => t.GetProperty("assetId").GetString()));
    }

    [Fact]
    public async Task TimeTravel_ReturnsTheTwinAsItWasThen()
    {
        var first = new DateTimeOffset(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
        await FeedBothAsync(_server, 1.2, first);
        await FeedBothAsync(_server, 2.0, first.AddHours(2));

        var then = await _server.GetJsonAsync($"/api/twins/{_d}?at=2026-11-22T07:30:00Z");
        var now = await _server.GetJsonAsync($"/api/twins/{_d}");
        Assert.True(then.TryGetProperty("state", out var thenState), then.GetRawText());
        Assert.Equal(1.2, thenState.GetProperty("bearing_vibration_x").GetDouble());
        Assert.Equal(2.0, now.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
        await Problems.Expect(await _server.Client.GetAsync($"/api/twins/{_d}?at=2026-01-01"), System.Net.HttpStatusCode.NotFound, "no-twin-history");
    }

    [Fact]
    public async Task DtdlModel_IsTheRevisionOfTheUnit()
    {
        var c = await _server.GetJsonAsync($"/api/twins/{_c}/model?format=dtdl");
        var d = await _server.GetJsonAsync($"/api/twins/{_d}/model?format=dtdl");
        var context = c.GetProperty("@context");
        Assert.Contains("dtmi:dtdl:context;3", context.ValueKind == JsonValueKind.Array ? context.EnumerateArray().Select(x => x.GetString()) : [context.GetString()]);
        Assert.Contains("revc", c.GetProperty("@id").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("revd", d.GetProperty("@id").GetString(), StringComparison.OrdinalIgnoreCase);
        await Problems.Expect(await _server.Client.GetAsync($"/api/twins/{_c}/model?format=owl"), System.Net.HttpStatusCode.UnprocessableEntity, "invalid-format");
    }
}
