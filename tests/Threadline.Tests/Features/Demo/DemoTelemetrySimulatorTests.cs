using Threadline.Features.Plm;
using Threadline.Features.Twins;
using Threadline.Testing;

namespace Threadline.Features.Demo;

/// <summary>The demo's simulated field through the real pipeline: broker, store, limit events and twins, on the fake clock.</summary>
public class DemoTelemetrySimulatorTests
{
    [Fact]
    public async Task SimulatedPumps_FeedTheirTwins_AndTheDamagedBearingCrossesRevisionDsLimit()
    {
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Twins:Enabled"] = "true", ["Demo:Simulate"] = "true", ["Demo:QualityOfService"] = "1",
        }, seed: async (services, ct) =>
        {
            await DemoPumpFamily.SeedAsync(services.GetRequiredService<PlmService>(), ct);
            var assets = services.GetRequiredService<Assets.InstalledBaseService>();
            // SN00425 has the demo's damaged bearing (one serial in 25); SN00426 is healthy. Both revision D.
            await assets.RegisterAsync(new Threadline.Assets.NewAsset("SN00425", DemoPumpFamily.Pump, "D", null, "acme/plant-1"), ct);
            await assets.RegisterAsync(new Threadline.Assets.NewAsset("SN00426", DemoPumpFamily.Pump, "D", null, "acme/plant-1"), ct);
        });
        // The fake clock starts at 08:00 UTC: the pumps are in their day shift.
        var simulator = server.Services.GetRequiredService<DemoTelemetrySimulator>();
        for (var round = 1; round <= 4; round++)
        {
            await simulator.RoundsPublishedAsync(round);
            if (round < 4)
            {
                server.Time.Advance(TimeSpan.FromSeconds(10));
            }
        }
        await server.Services.GetRequiredService<TwinFeed>().DrainedAsync();

        var damaged = await server.GetJsonAsync("/api/twins/PUMP-4720-SN00425-R04");
        var healthy = await server.GetJsonAsync("/api/twins/PUMP-4720-SN00426-R04");
        Assert.True(damaged.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble() > 2.8, damaged.GetRawText());
        Assert.True(healthy.GetProperty("state").TryGetProperty("bearing_vibration_x", out var calm) && calm.GetDouble() < 2.8, healthy.GetRawText());
        Assert.Contains(damaged.GetProperty("alerts").EnumerateArray(), a => a.GetProperty("signal").GetString() == "bearing_vibration_x");
        Assert.Empty(healthy.GetProperty("alerts").EnumerateArray());
        var points = await server.GetJsonAsync("/api/assets/PUMP-4720-SN00425-R04/telemetry/flow?from=2026-11-23T07:00:00Z&to=2026-11-23T09:00:00Z");
        Assert.Equal(4, points.GetProperty("points").GetArrayLength());
    }
}
