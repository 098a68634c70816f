using System.Globalization;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Features.Telemetry;
using Threadline.Testing;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The QoS 1 guarantee against a real crash: a `threadline serve` process acknowledges points and is killed
/// (SIGKILL, no shutdown code runs); the next start on the same data folder stores every acknowledged point.
/// </summary>
public sealed class IntakeJournalCrashTests
{
    private const int Publishers = 4;
    private const int PointsEach = 250;
    private const string Signal = "bearing_vibration_x";

    [Fact]
    public async Task ServerKilledAfterAcknowledging_StoresEveryAcknowledgedPointWhenItStartsAgain()
    {
        var data = Directory.CreateTempSubdirectory("threadline-crash-").FullName;
        try
        {
            string asset;
            string username, password;
            await using (var setup = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["DataDirectory"] = data }))
            {
                await DemoPumpFamily.SeedAsync(setup.Services.GetRequiredService<PlmService>(), default);
                asset = (await ThreadlineTestServer.ExpectSuccess(await setup.PostAsync("/api/assets",
                    new { serial = "SN00420", item = DemoPumpFamily.Pump, shipDate = "2026-03-01" }))).GetProperty("assetId").GetString()!;
                // The killed process is another process: its publishers connect as the asset's device, with a credential it reads from the store.
                var credential = await ThreadlineTestServer.ExpectSuccess(await setup.PostAsync($"/api/assets/{asset}/device-credentials", null));
                username = credential.GetProperty("username").GetString()!;
                password = credential.GetProperty("password").GetString()!;
            }

            // The writer holds what it drains for 10 s before it appends, so acknowledged points are still only in the
            // journal when the process is killed, however fast the store is.
            await using (var server = await ServerProcess.StartAsync(new Dictionary<string, string?>
            {
                ["Twins:Enabled"] = "false", ["Ingestion:BatchLingerMilliseconds"] = "10000",
            }, output: null, data))
            {
                try
                {
                    var start = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
                    await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => PublishAsync(server.MqttPort, asset, username, password, p, start)));
                }
                finally
                {
                    server.Crash();
                }
            }

            await using var restarted = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?>
            {
                ["DataDirectory"] = data, ["Ingestion:AcknowledgeAfter"] = "Journal",
            });
            var stats = restarted.Services.GetRequiredService<IngestionCounters>().Snapshot();
            Assert.True(stats.ReplayedFromJournal > 0, "the killed server had stored everything: the journal was not exercised");
            var stored = await restarted.Services.GetRequiredService<ITelemetryStore>().ReadRawAsync(
                asset, Signal, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), default);
            Assert.Equal(Publishers * PointsEach, stored.Count);
            Assert.Equal(Publishers * PointsEach, stored.Select(p => p.Timestamp).Distinct().Count());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task PublishAsync(int port, string asset, string username, string password, int publisher, DateTimeOffset start)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"crash-test-{publisher}")
            .WithCredentials(username, password).Build());
        var topic = $"threadline/acme-water/porto-east/{asset}/{Signal}";
        for (var i = 0; i < PointsEach; i++)
        {
            var at = start.AddMilliseconds((publisher * PointsEach) + i).ToString("O", CultureInfo.InvariantCulture);
            var payload = $$$"""{"timestamp":"{{{at}}}","source":{"device_id":"crash-{{{publisher}}}"},"measurement":{"value":1.5,"unit":"mm/s","quality":"Good"}}""";
            var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            Assert.True(result.IsSuccess, $"publish {i} of {publisher} was not acknowledged: {result.ReasonCode}");
        }
    }
}
