using System.Text.Json;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Testing;

namespace Threadline.Features.Twins;

/// <summary>
/// A live twin takes its configuration from the installed base: a replacement recorded through the API reaches the
/// running twin at once, restarts the replaced bearing's wear evidence, and an unapproved part shows on its failure modes.
/// </summary>
public sealed class TwinConfigurationTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("threadline-twinconfig-").FullName;
    private ThreadlineTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Twins:Enabled"] = "true", ["DataDirectory"] = _data });
        await DemoPumpFamily.SeedAsync(_server.Services.GetRequiredService<PlmService>(), default);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>Hourly readings of a running pump for <paramref name="days"/> days from <paramref name="from"/>, vibration rising 0.1 mm/s a day from 1.5.</summary>
    private static TwinReading[] RisingVibration(DateTimeOffset from, int days) =>
        [.. Enumerable.Range(0, days * 24).SelectMany(hour =>
        {
            var at = from.AddHours(hour);
            (string Signal, double Value)[] readings =
            [
                ("speed", 1475), ("flow", 45), ("suction_pressure", 0.3), ("discharge_pressure", 3.4), ("motor_current", 19.5),
                ("bearing_temperature", 55), ("inlet_pressure_margin", 2.5), ("seal_leakage", 0.5), ("seal_temperature", 40),
                ("bearing_vibration_x", 1.5 + 0.1 * hour / 24.0),
            ];
            return readings.Select(r => new TwinReading(r.Signal, at, r.Value, null, 0, "test", false));
        })];

    private static JsonElement Position(JsonElement twin, string path) =>
        twin.GetProperty("configuration").GetProperty("positions").EnumerateArray().Single(p => p.GetProperty("path").GetString() == path);

    private static JsonElement Component(JsonElement twin, string id) =>
        twin.GetProperty("configuration").GetProperty("components").EnumerateArray().Single(c => c.GetProperty("id").GetString() == id);

    private static JsonElement Mode(JsonElement twin, string id) =>
        twin.GetProperty("failureModes").EnumerateArray().Single(m => m.GetProperty("id").GetString() == id);

    [Fact]
    public async Task BearingReplacementRecordedThroughTheApi_ReachesTheLiveTwin_RestartsItsTrendAndFlagsTheWrongBearing()
    {
        var id = (await ThreadlineTestServer.ExpectSuccess(await _server.PostAsync("/api/assets",
            new { serial = "SN00420", item = DemoPumpFamily.Pump, shipDate = "2026-03-01", site = "acme/plant-1/area-2" }))).GetProperty("assetId").GetString()!;
        await _server.Services.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(id)
            .ApplyAsync(RisingVibration(new DateTimeOffset(2026, 11, 16, 0, 0, 0, TimeSpan.Zero), days: 6));

        var before = await _server.GetJsonAsync($"/api/twins/{id}");
        Assert.Equal("Trend", before.GetProperty("rulBasis").GetString());
        Assert.Equal(("40-6310-C3", "Designed", false), (Position(before, "20/10").GetProperty("installedItem").GetString(),
            Position(before, "20/10").GetProperty("status").GetString(), Position(before, "20/10").GetProperty("unapproved").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, Component(before, "drive-end-bearing").GetProperty("replacedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, Mode(before, "bearing-wear").GetProperty("caveat").ValueKind);

        // The van stock's 6309 where the design calls for the 6310-C3: replaced, and not a part the service BOM allows there.
        await ThreadlineTestServer.ExpectSuccess(await _server.PostAsync($"/api/assets/{id}/service-events", new
        {
            kind = "replacement", component = "20/10", installed = new { item = "40-6309", revision = "A" },
            technician = "a.silva", at = "2026-11-22T09:00:00Z",
        }));

        var after = await _server.GetJsonAsync($"/api/twins/{id}");
        var replaced = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var position = Position(after, "20/10");
        Assert.Equal(("40-6309", "Replaced", true, replaced), (position.GetProperty("installedItem").GetString(), position.GetProperty("status").GetString(),
            position.GetProperty("unapproved").GetBoolean(), position.GetProperty("replacedAt").GetDateTimeOffset()));
        var bearing = Component(after, "drive-end-bearing");
        Assert.Equal((replaced, replaced, true), (bearing.GetProperty("replacedAt").GetDateTimeOffset(),
            bearing.GetProperty("evidenceSince").GetDateTimeOffset(), bearing.GetProperty("unapproved").GetBoolean()));
        // The worn bearing's six rising days no longer count: no completed day after the work yet.
        Assert.Equal("Unknown", after.GetProperty("rulBasis").GetString());
        Assert.Contains("40-6309", Mode(after, "bearing-wear").GetProperty("caveat").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, Mode(after, "seal-leak").GetProperty("caveat").ValueKind);
        Assert.Contains("40-6309", after.GetProperty("rulCaveat").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, Component(after, "mechanical-seal").GetProperty("evidenceSince").ValueKind);

        // Time travel shows the unit as it was configured then: the designed bearing, before the work.
        var earlier = await _server.GetJsonAsync($"/api/twins/{id}?at=2026-11-21T12:00:00Z");
        Assert.Equal(("40-6310-C3", "Designed"), (Position(earlier, "20/10").GetProperty("installedItem").GetString(), Position(earlier, "20/10").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task DemoFleet_TwinsShowTheirReplacementsAndUnapprovedBearings()
    {
        await DemoFleet.SeedAsync(_server.Services, default);

        var mismatches = (await _server.GetJsonAsync("/api/assets/service-bom-accuracy")).GetProperty("mismatches").EnumerateArray()
            .Where(m => m.GetProperty("path").GetString() == "20/10").Select(m => m.GetProperty("assetId").GetString()!).Take(3).ToArray();
        Assert.NotEmpty(mismatches);
        foreach (var id in mismatches)
        {
            var twin = await _server.GetJsonAsync($"/api/twins/{id}");
            Assert.True(Position(twin, "20/10").GetProperty("unapproved").GetBoolean(), id);
            Assert.Contains("20/10", Mode(twin, "bearing-wear").GetProperty("caveat").GetString(), StringComparison.Ordinal);
        }

        var assets = (await _server.GetJsonAsync($"/api/assets?item={DemoPumpFamily.Pump}")).EnumerateArray().Select(a => a.GetProperty("assetId").GetString()!);
        string? withNewSeal = null;
        foreach (var id in assets)
        {
            var events = await _server.GetJsonAsync($"/api/assets/{id}/service-events");
            if (events.EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "replacement" && e.GetProperty("component").GetString() == "40"))
            {
                withNewSeal = id;
                break;
            }
        }
        Assert.NotNull(withNewSeal);
        var seal = Component(await _server.GetJsonAsync($"/api/twins/{withNewSeal}"), "mechanical-seal");
        Assert.Equal(seal.GetProperty("replacedAt").GetDateTimeOffset(), seal.GetProperty("evidenceSince").GetDateTimeOffset());
    }
}
