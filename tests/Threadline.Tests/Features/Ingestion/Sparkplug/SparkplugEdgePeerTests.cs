using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Sparkplug;
using Threadline.Testing;
using Threadline.Features;

namespace Threadline.Features.Ingestion.Sparkplug;

/// <summary>
/// The host against Eclipse Tahu's JavaScript edge node (npm sparkplug-client, tests/peers/sparkplug-edge) through a
/// real Mosquitto: proves the codec and the rules on bytes written by a peer nobody here wrote, including its
/// pre-3.0 habits (bdSeq always 0, NDEATH as a QoS 0 will).
/// </summary>
public sealed class SparkplugEdgePeerTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TahuEdgeNode_BirthDataCompressedDataDeathAndWill_ComeOutAsPointsAndPresence()
    {
        var host = new SparkplugHost("threadline-test", TimeProvider.System);
        var received = Channel.CreateUnbounded<(string Topic, byte[] Payload)>();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            received.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId("threadline-sparkplug-peer-test")
            .Build());
        // Only this node's group: another test's host leaves its retained STATE on the shared broker.
        await subscriber.SubscribeAsync("spBv1.0/plant1/#", MqttQualityOfServiceLevel.AtLeastOnce);

        await RunEdgeNodeAsync(broker, "plant1", "edge1", "pump-1", "20.5", "21", "21.5");

        var results = new List<SparkplugResult>();
        using var timeout = new CancellationTokenSource(PeerTimeout);
        // The NDEATH will comes last: the broker sends it once it sees the peer's socket close.
        while (!results.Any(r => r.Topic?.Type == SparkplugMessageType.NDeath))
        {
            var (topic, payload) = await received.Reader.ReadAsync(timeout.Token);
            results.Add(host.Handle(topic, payload));
        }

        Assert.Equal(
            [SparkplugMessageType.NBirth, SparkplugMessageType.DBirth, SparkplugMessageType.DData, SparkplugMessageType.DData,
             SparkplugMessageType.DData, SparkplugMessageType.DData, SparkplugMessageType.DData, SparkplugMessageType.DDeath,
             SparkplugMessageType.NDeath],
            results.Select(r => r.Topic!.Type).ToArray());
        Assert.All(results, r => Assert.Empty(r.DeadLetters));
        Assert.All(results, r => Assert.False(r.SequenceGap));
        Assert.All(results, r => Assert.Empty(r.Commands));

        var points = results.SelectMany(r => r.Points).ToList();
        Assert.Equal(
            [(null, "Uptime", 42d),
             ("pump-1", "Temperature", 20.5), ("pump-1", "Running", 1d), ("pump-1", "Count", -5d),
             ("pump-1", "Temperature", 20.5), ("pump-1", "Count", -6d),
             ("pump-1", "Temperature", 21d), ("pump-1", "Count", -7d),
             ("pump-1", "Temperature", 21.5), ("pump-1", "Count", -8d),
             ("pump-1", "Temperature", 99.5), ("pump-1", "Temperature", 98.5)],
            points.Select(p => (p.DeviceId, p.Metric, p.Value)).ToArray());
        Assert.All(points, p => Assert.False(p.StampedOnArrival));
        Assert.Equal(1, results[1].SkippedNonNumeric);
        Assert.Equal([0L, 1L, 2L, 3L, 4L, 5L, 6L], results.Take(7).Select(r => r.Points[0].Seq!.Value).ToArray());

        Assert.Equal(
            [("edge1", (string?)null, true), ("edge1", "pump-1", true), ("edge1", "pump-1", false), ("edge1", null, false)],
            results.SelectMany(r => r.PresenceChanges).Select(p => (p.EdgeNodeId, p.DeviceId, p.Online)).ToArray());
        Assert.False(host.IsOnline("plant1", "edge1"));
    }

    [Fact]
    public async Task TahuEdgeNode_ThroughMosquittoIntoThreadline_LandsOnItsAsset()
    {
        var group = "plant" + Guid.NewGuid().ToString("N")[..6];
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mqtt:Mode"] = "External",
            ["Mqtt:External:Host"] = broker.Host,
            ["Mqtt:External:Port"] = broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:External:ClientId"] = "threadline-" + group,
            ["Sparkplug:HostId"] = "host-" + group,
        });
        await Demo.DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<Plm.PlmService>(), default);
        var asset = (await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets",
            new { serial = "SN00420", item = Demo.DemoPumpFamily.Pump, shipDate = "2026-03-01", iotDeviceId = $"{group}/edge1/pump-1" })))
            .GetProperty("assetId").GetString()!;

        // Threadline publishes its online STATE once its subscriptions are in place: the point from which nothing is missed.
        using var watcher = new MqttClientFactory().CreateMqttClient();
        var state = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            state.TrySetResult(System.Text.Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithClientId("watch-" + group).Build());
        await watcher.SubscribeAsync($"spBv1.0/STATE/host-{group}", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Contains("\"online\":true", await state.Task.WaitAsync(PeerTimeout));

        await RunEdgeNodeAsync(broker, group, "edge1", "pump-1", "20.5", "21", "21.5");

        // The peer is another process behind a real broker, and points are committed in batches after their events:
        // wait, with a bound, until all six temperatures and the device's death have landed.
        var window = $"from={DateTimeOffset.UtcNow.AddDays(-1):yyyy-MM-dd}&to={DateTimeOffset.UtcNow.AddDays(2):yyyy-MM-dd}";
        async Task<List<double>> Values(string signal) => [.. (await server.GetJsonAsync($"/api/assets/{asset}/telemetry/{signal}?{window}"))
            .GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble())];
        var deadline = Stopwatch.StartNew();
        List<string?> kinds = [];
        List<double> temperatures = [];
        while (deadline.Elapsed < PeerTimeout && (!kinds.Contains("device-offline") || temperatures.Count < 6))
        {
            await Task.Delay(100);
            kinds = [.. (await server.GetJsonAsync($"/api/assets/{asset}/events")).EnumerateArray().Select(e => e.GetProperty("kind").GetString())];
            temperatures = await Values("Temperature");
        }
        Assert.Equal(["device-online", "device-offline"], kinds);
        // Birth and first DDATA both carry 20.5; the two compressed DDATA 99.5 and 98.5.
        Assert.Equal([20.5, 20.5, 21, 21.5, 99.5, 98.5], temperatures);
        var counts = await Values("Count");
        Assert.Equal([-5, -6, -7, -8], counts);
        var stats = await server.GetJsonAsync("/api/ingest/stats");
        Assert.False(stats.GetProperty("deadLettered").EnumerateObject().Any(), stats.GetRawText());
    }

    private static async Task RunEdgeNodeAsync(MosquittoBroker broker, params string[] arguments)
    {
        var folder = PeerFolder();
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "sparkplug-client")))
        {
            throw new InvalidOperationException($"The Sparkplug peer is not installed: run ./test.sh, or 'npm ci' in {folder}.");
        }
        var start = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("edge.js");
        start.ArgumentList.Add(broker.Host);
        start.ArgumentList.Add(broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PeerTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The edge node did not finish within {PeerTimeout.TotalSeconds} s: {await errors}");
        }
        Assert.True(process.ExitCode == 0, $"edge.js exited with {process.ExitCode}: {await output} {await errors} {broker.Log}");
    }

    private static string PeerFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "peers", "sparkplug-edge");
            if (File.Exists(Path.Combine(candidate, "edge.js")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("tests/peers/sparkplug-edge not found above " + AppContext.BaseDirectory);
    }
}
