using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Features.Telemetry;
using Threadline.Hosting;

namespace Threadline.Bench.Ingest;

internal sealed record IngestBenchmarkOptions(int Publishers, int Window, int Messages, double LatencySeconds, string Mosquitto);

/// <summary>
/// Single-point JSON messages from loopback publishers through the embedded broker, the pipeline and the registered
/// ITelemetryStore (saturation rate, then publish-to-stored latency at half that rate), and beside it the same
/// messages through a real Mosquitto to one plain subscriber (the ceiling).
/// </summary>
internal static class IngestBenchmark
{
    private const string Prefix = "bench";

    public static async Task<int> RunAsync(IngestBenchmarkOptions options)
    {
        Console.WriteLine($"Ingestion benchmark: {options.Publishers} publishers, QoS 1, {options.Window} in flight each, {options.Messages:N0} messages per saturation run.");
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

        var data = Directory.CreateTempSubdirectory("threadline-bench-ingest-").FullName;
        try
        {
            var (app, storeName) = await StartServerAsync(data, options.Publishers);
            try
            {
                var port = app.Services.GetRequiredService<EmbeddedBroker>().Port;
                Console.WriteLine($"Store: {storeName}");
                await RunPhaseAsync("warm-up", port, options with { Messages = Math.Min(options.Messages, 20_000) }, rate: null);
                var saturation = await RunPhaseAsync("Threadline saturation", port, options, rate: null);
                var half = saturation.Rate / 2;
                var latency = await RunPhaseAsync("Threadline at half rate", port, options with { Messages = (int)(half * options.LatencySeconds) }, rate: half);
                // The same broker and load with a topic outside the UNS: what the pipeline costs on top of MQTTnet.
                var brokerOnly = await RunPhaseAsync("embedded broker only (topic not ingested)", port, options, rate: null, topicPrefix: "elsewhere");
                var stats = app.Services.GetRequiredService<IngestionCounters>().Snapshot();
                Console.WriteLine($"Server counters: stored {stats.Stored:N0}, duplicate {stats.Duplicate:N0}, dead-lettered {stats.DeadLettered.Values.Sum():N0}, quarantined {stats.Quarantined:N0}, store failures {stats.StoreFailures:N0}");

                PhaseResult? ceiling = null;
                if (File.Exists(options.Mosquitto))
                {
                    ceiling = await RunMosquittoCeilingAsync(options);
                }
                else
                {
                    Console.WriteLine($"No Mosquitto at {options.Mosquitto}: ceiling not measured.");
                }

                Console.WriteLine();
                Console.WriteLine("| Path | Points/s at saturation | p50 publish-to-stored | p99 publish-to-stored |");
                Console.WriteLine("|---|---:|---:|---:|");
                Console.WriteLine($"| Threadline embedded broker → pipeline → {storeName}, single-point JSON, QoS 1 | {saturation.Rate:N0} | {Ms(latency.P50)} at {latency.Rate:N0}/s | {Ms(latency.P99)} |");
                Console.WriteLine($"| Threadline embedded broker alone (same messages on a topic outside the UNS) | {brokerOnly.Rate:N0} | – | – |");
                if (ceiling is not null)
                {
                    Console.WriteLine($"| Mosquitto → one plain MQTTnet subscriber, same messages, no processing (ceiling) | {ceiling.Rate:N0} | – | – |");
                    Console.WriteLine($"Threadline / Mosquitto: {saturation.Rate / ceiling.Rate:P0}");
                }
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder does not change the figures.
            }
        }
        return 0;
    }

    private static async Task<(WebApplication App, string StoreName)> StartServerAsync(string data, int assets)
    {
        var builder = ServerHost.CreateBuilder(new Dictionary<string, string?>
        {
            ["DataDirectory"] = data,
            ["Urls"] = "http://127.0.0.1:0",
            ["Mqtt:Port"] = "0",
            ["Uns:Prefix"] = Prefix,
            ["Logging:Format"] = "text",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // The bench's assets are not in any installed base, so the lookup is always the bench's own; the store and
        // the event log are whatever the server registers, with in-memory ones only where it registers none.
        var lookup = new BenchAssets(assets);
        builder.Services.AddSingleton<IAssetLookup>(lookup);
        builder.Services.TryAddSingleton<IAssetEventLog>(lookup);
        builder.Services.TryAddSingleton<ITelemetryStore, InMemoryBenchStore>();
        var app = ServerHost.Build(builder);
        await ServerHost.StartAsync(app);
        return (app, app.Services.GetRequiredService<ITelemetryStore>().GetType().Name);
    }

    private sealed record PhaseResult(double Rate, double P50, double P99);

    private static long _timestampOffset;

    /// <summary>
    /// Publishes <c>Messages</c> QoS 1 messages over the publishers, each with up to <c>Window</c> unacknowledged.
    /// The embedded broker acknowledges only after the store returned, so publish → PUBACK is publish-to-stored.
    /// With <paramref name="rate"/>, messages are paced to that total rate.
    /// </summary>
    private static async Task<PhaseResult> RunPhaseAsync(string name, int port, IngestBenchmarkOptions options, double? rate, string topicPrefix = Prefix)
    {
        var clients = await ConnectAsync(port, options.Publishers, "pub");
        try
        {
            var perPublisher = options.Messages / options.Publishers;
            var latencies = new long[perPublisher * options.Publishers];
            var offset = Interlocked.Add(ref _timestampOffset, perPublisher);
            var interval = rate is { } r ? Stopwatch.Frequency * options.Publishers / r : 0;
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(clients.Select((client, p) => Task.Run(async () =>
            {
                using var window = new SemaphoreSlim(options.Window);
                var inFlight = new List<Task>(perPublisher);
                for (var i = 0; i < perPublisher; i++)
                {
                    if (interval > 0)
                    {
                        var due = start + (long)(i * interval);
                        while (Stopwatch.GetTimestamp() < due)
                        {
                            await Task.Delay(1);
                        }
                    }
                    await window.WaitAsync();
                    var slot = p * perPublisher + i;
                    var message = Message(topicPrefix, p, offset - perPublisher + i);
                    var sent = Stopwatch.GetTimestamp();
                    inFlight.Add(client.PublishAsync(message).ContinueWith(t =>
                    {
                        latencies[slot] = Stopwatch.GetTimestamp() - sent;
                        window.Release();
                        if (!t.IsCompletedSuccessfully || !t.Result.IsSuccess)
                        {
                            throw new InvalidOperationException($"Publish failed: {t.Exception?.GetBaseException().Message ?? t.Result.ReasonCode.ToString()}");
                        }
                    }, TaskScheduler.Default));
                }
                await Task.WhenAll(inFlight);
            })));
            var elapsed = Stopwatch.GetElapsedTime(start);
            var result = Summarise(latencies, elapsed);
            Console.WriteLine($"{name}: {latencies.Length:N0} points in {elapsed.TotalSeconds:0.00} s = {result.Rate:N0} points/s; publish-to-stored p50 {Ms(result.P50)} p99 {Ms(result.P99)}");
            return result;
        }
        finally
        {
            await DisconnectAsync(clients);
        }
    }

    private static async Task<PhaseResult> RunMosquittoCeilingAsync(IngestBenchmarkOptions options)
    {
        var folder = Directory.CreateTempSubdirectory("threadline-bench-mosquitto-").FullName;
        var port = FreePort();
        var config = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            user {Environment.UserName}
            max_queued_messages 10000000
            max_inflight_messages 0
            """);
        using var process = Process.Start(new ProcessStartInfo(options.Mosquitto, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            await WaitForPortAsync(port);
            var total = options.Messages / options.Publishers * options.Publishers;
            var received = 0;
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var subscriber = (await ConnectAsync(port, 1, "sub"))[0];
            subscriber.ApplicationMessageReceivedAsync += _ =>
            {
                if (Interlocked.Increment(ref received) == total)
                {
                    all.TrySetResult();
                }
                return Task.CompletedTask;
            };
            await subscriber.SubscribeAsync($"{Prefix}/#", MqttQualityOfServiceLevel.AtLeastOnce);
            var start = Stopwatch.GetTimestamp();
            await RunPhaseAsync("Mosquitto publish side", port, options, rate: null);
            await all.Task.WaitAsync(TimeSpan.FromMinutes(5));
            var elapsed = Stopwatch.GetElapsedTime(start);
            var rate = total / elapsed.TotalSeconds;
            Console.WriteLine($"Mosquitto ceiling: {total:N0} messages delivered to the subscriber in {elapsed.TotalSeconds:0.00} s = {rate:N0}/s");
            await DisconnectAsync([subscriber]);
            return new PhaseResult(rate, double.NaN, double.NaN);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static MqttApplicationMessage Message(string topicPrefix, int publisher, long index)
    {
        var at = new DateTimeOffset(2026, 3, 14, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(index);
        var json = $$"""{"timestamp":"{{at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}}","source":{"device_id":"bench-dev-{{publisher}}"},"measurement":{"name":"bearing_vibration_x","value":{{(index % 500 / 100.0).ToString(CultureInfo.InvariantCulture)}},"unit":"mm/s","quality":"Good"},"seq":{{index}}}""";
        return new MqttApplicationMessageBuilder()
            .WithTopic($"{topicPrefix}/site-1/area-1/line-1/{BenchAssets.AssetId(publisher)}/bearing_vibration_x")
            .WithPayload(Encoding.UTF8.GetBytes(json))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
    }

    private static async Task<IMqttClient[]> ConnectAsync(int port, int count, string prefix)
    {
        var factory = new MqttClientFactory();
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var client = factory.CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
                .WithClientId($"{prefix}-{i}-{Guid.NewGuid():N}").WithProtocolVersion(MqttProtocolVersion.V500).Build());
            return client;
        }));
    }

    private static async Task DisconnectAsync(IEnumerable<IMqttClient> clients)
    {
        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }
    }

    private static PhaseResult Summarise(long[] ticks, TimeSpan elapsed)
    {
        Array.Sort(ticks);
        double Rank(double p) => ticks[Math.Clamp((int)Math.Ceiling(p * ticks.Length) - 1, 0, ticks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
        return new PhaseResult(ticks.Length / elapsed.TotalSeconds, Rank(0.5), Rank(0.99));
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"Mosquitto did not listen on {port}.");
    }
}
