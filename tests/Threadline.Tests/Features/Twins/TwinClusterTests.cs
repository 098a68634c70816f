using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Telemetry;
using Threadline.Testing;

namespace Threadline.Features.Twins;

/// <summary>
/// Two servers, two silos, one cluster and one PostgreSQL: a twin hosted on the second silo keeps its state when that
/// silo leaves, and comes back on the first from what it persisted.
/// </summary>
public sealed class TwinClusterTests(PostgresDatabaseFactory databases) : IClassFixture<PostgresDatabaseFactory>
{
    [Fact]
    public async Task TwinOnALostSilo_ReactivatesOnTheOtherWithItsState()
    {
        var database = await databases.CreateAsync();
        Dictionary<string, string?> Settings(string? primary) => new()
        {
            ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = database.ConnectionString, ["Telemetry:Store"] = "Postgres",
            ["Twins:Enabled"] = "true", ["Twins:PrimarySiloEndpoint"] = primary,
        };
        await using var first = await ThreadlineTestServer.StartAsync(Settings(null));
        await DemoPumpFamily.SeedAsync(first.Services.GetRequiredService<PlmService>(), default);
        var asset = (await ThreadlineTestServer.ExpectSuccess(await first.PostAsync("/api/assets",
            new { serial = "SN00420", item = DemoPumpFamily.Pump, shipDate = "2026-03-01" }))).GetProperty("assetId").GetString()!;
        var firstSilo = first.Services.GetRequiredService<TwinRegistration.SiloEndpoint>().Address.ToString();

        var second = await ThreadlineTestServer.StartAsync(Settings(firstSilo));
        var onSecond = second.Services.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(asset);
        var at = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
        await onSecond.ApplyAsync([.. new (string Signal, double Value)[] { ("speed", 1475), ("flow", 45), ("bearing_vibration_x", 2.2) }
            .Select(r => TwinReading.From(new TelemetryPoint(asset, r.Signal, at, r.Value, null, TelemetryQuality.Good, "test")))]);
        var hostedOn = await onSecond.SiloAsync();
        Assert.Contains(second.Services.GetRequiredService<TwinRegistration.SiloEndpoint>().Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), hostedOn);
        await onSecond.FlushAsync();

        await second.DisposeAsync();

        var onFirst = first.Services.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(asset);
        Assert.Contains(first.Services.GetRequiredService<TwinRegistration.SiloEndpoint>().Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), await onFirst.SiloAsync());
        var twin = await first.GetJsonAsync($"/api/twins/{asset}");
        Assert.Equal(2.2, twin.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
    }
}
