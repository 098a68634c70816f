using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Features.Ingestion.Security;
using Threadline.Telemetry;

namespace Threadline.Features.Demo;

/// <summary>What the demo's telemetry simulator does (section Demo; on only for `demo`).</summary>
public sealed class DemoSimulationOptions
{
    public const string Section = "Demo";

    /// <summary>Publish simulated telemetry for the demo fleet. Default false; `demo` turns it on.</summary>
    public bool Simulate { get; set; }

    /// <summary>Seconds between two readings of a pump. Default 10.</summary>
    public int IntervalSeconds { get; set; } = 10;

    /// <summary>MQTT QoS of the simulated readings. Default 0 (as field devices stream); 1 makes each round wait until stored.</summary>
    public int QualityOfService { get; set; }
}

/// <summary>
/// The demo's field: every active pump of the fleet runs a <see cref="PumpSimulator"/> (pump curve, demand cycle,
/// bearing wear raising vibration, cavitation when the inlet margin is thin, seal wear) and publishes its sensors as
/// JSON on the UNS through the embedded broker, like an edge gateway would. Nothing downstream is scripted: the
/// store, the limit events and the twins see only what arrives over MQTT. A few units are given a worn bearing, a
/// thin suction or a leaking seal so that alerts, health and RUL have something to show.
/// </summary>
public sealed class DemoTelemetrySimulator(
    IOptions<DemoSimulationOptions> options, IOptions<UnsOptions> uns, EmbeddedBroker broker, ServerCredential credential,
    InstalledBaseService assets, TimeProvider time, ILogger<DemoTelemetrySimulator> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly List<(long Round, TaskCompletionSource Done)> _waiters = [];
    private long _rounds;

    /// <summary>Completes once <paramref name="round"/> rounds of readings have been published (the tests' synchronisation point).</summary>
    public Task RoundsPublishedAsync(long round)
    {
        lock (_gate)
        {
            if (_rounds >= round)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((round, done));
            return done.Task;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.IntervalSeconds);
        var pumps = (await assets.ListAsync(DemoPumpFamily.Pump, null, null, stoppingToken))
            .Where(a => !a.Retired && a.Revision is "C" or "D")
            .Select(a => (Asset: a, Simulator: PumpSimulator.Create(SeedOf(a.Serial.Value), a.Serial.Value, a.Revision, ProfileOf(a.Serial.Value), a.Id)))
            .ToList();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("demo-field-simulator")
            .WithCredentials(ServerCredential.Username, credential.Password).Build(), stoppingToken);
        logger.LogInformation("Simulating {Count} pumps, a reading every {Seconds} s, published on the UNS", pumps.Count, interval.TotalSeconds);

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            var now = time.GetUtcNow();
            foreach (var (asset, simulator) in pumps)
            {
                foreach (var point in simulator.Step(now, interval))
                {
                    await client.PublishAsync(new MqttApplicationMessageBuilder()
                        .WithTopic($"{uns.Value.Prefix}/{asset.Site?.Value ?? "unassigned"}/{asset.Id}/{point.Signal}")
                        .WithPayload(Envelope(point, asset.IotDeviceId ?? point.Source))
                        .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)options.Value.QualityOfService)
                        .Build(), stoppingToken);
                }
            }
            lock (_gate)
            {
                _rounds++;
                _waiters.RemoveAll(w => w.Round <= _rounds && w.Done.TrySetResult());
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    // A seed from the serial, not string.GetHashCode (randomised per process): the same unit behaves the same every run.
    private static int SeedOf(string serial) => int.Parse(serial.AsSpan(serial.Length - 5), CultureInfo.InvariantCulture);

    /// <summary>One pump in 25 has a damaged bearing, one in 40 a thin suction, one in 60 a worn seal; the rest are healthy.</summary>
    public static PumpProfile ProfileOf(string serial)
    {
        var number = int.Parse(serial.AsSpan(serial.Length - 3), CultureInfo.InvariantCulture);
        return (number % 25, number % 40, number % 60) switch
        {
            (0, _, _) => PumpProfile.WornBearing with { InitialBearingWear = 0.6 },
            (_, 0, _) => PumpProfile.ThinSuction,
            (_, _, 0) => PumpProfile.LeakySeal with { InitialSealWear = 0.5 },
            _ => PumpProfile.Healthy,
        };
    }

    private static byte[] Envelope(TelemetryPoint point, string device) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $$"""{"timestamp":"{{point.Timestamp:yyyy-MM-ddTHH:mm:ss.fffZ}}","source":{"device_id":"{{device}}"},"measurement":{"name":"{{point.Signal}}","value":{{point.Value:0.####}},"unit":"{{point.Unit}}","quality":"Good"},"seq":{{point.Seq}}}"""));
}

public static class DemoSimulationRegistration
{
    public static IServiceCollection AddDemoSimulation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoSimulationOptions>().Bind(configuration.GetSection(DemoSimulationOptions.Section))
            .Validate(o => o.IntervalSeconds is >= 1 and <= 3600, "Demo:IntervalSeconds must be between 1 and 3600.")
            .Validate(o => o.QualityOfService is 0 or 1, "Demo:QualityOfService must be 0 or 1.").ValidateOnStart();
        if (configuration.GetSection(DemoSimulationOptions.Section).Get<DemoSimulationOptions>()?.Simulate == true)
        {
            services.AddSingleton<DemoTelemetrySimulator>();
            services.AddHostedService(sp => sp.GetRequiredService<DemoTelemetrySimulator>());
        }
        return services;
    }
}
