using Threadline.Events;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Plm;
using Threadline.Testing;

namespace Threadline.Features.Assets;

/// <summary>What the ingestion path sees of the installed base: bindings by asset ID and device, and lifecycle events.</summary>
public class AssetDirectoryTests
{
    private static async Task<ThreadlineTestServer> StartAsync()
    {
        var server = await ThreadlineTestServer.StartAsync();
        await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default);
        return server;
    }

    [Fact]
    public async Task Binding_CarriesTheLimitsOfTheRevisionTheUnitWasBuiltTo()
    {
        await using var server = await StartAsync();
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial = "SN00341", item = DemoPumpFamily.Pump, shipDate = "2025-06-01", iotDeviceId = "edge-341" }));
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial = "SN00420", item = DemoPumpFamily.Pump, shipDate = "2026-03-01" }));
        var lookup = server.Services.GetRequiredService<IAssetLookup>();

        var c = await lookup.FindByDeviceIdAsync("edge-341", default);
        var d = await lookup.FindByAssetIdAsync("PUMP-4720-SN00420-R04", default);

        Assert.Equal(("PUMP-4720-SN00341-R03", "C"), (c!.AssetId, c.Revision));
        Assert.Equal(7.1, c.Limits.Single(l => l.Signal == "bearing_vibration_x" && l.Severity == Threadline.Plm.LimitSeverity.Critical).Max);
        Assert.Equal(4.5, d!.Limits.Single(l => l.Signal == "bearing_vibration_x" && l.Severity == Threadline.Plm.LimitSeverity.Critical).Max);
        Assert.Null(await lookup.FindByDeviceIdAsync("edge-unknown", default));
    }

    [Fact]
    public async Task UnitRegisteredAfterAMiss_IsFoundAtOnce_AndRetirementShowsInTheBinding()
    {
        await using var server = await StartAsync();
        var lookup = server.Services.GetRequiredService<IAssetLookup>();
        Assert.Null(await lookup.FindByDeviceIdAsync("edge-1", default));

        var created = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial = "SN1", item = DemoPumpFamily.Pump, iotDeviceId = "edge-1" }));
        var id = created.GetProperty("assetId").GetString()!;
        Assert.False((await lookup.FindByDeviceIdAsync("edge-1", default))!.EndOfLife);

        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/assets/{id}/retire", null));
        Assert.True((await lookup.FindByAssetIdAsync(id, default))!.EndOfLife);
    }

    [Fact]
    public async Task LifecycleEvents_AreListedOnTheAssetRecord_InTimeOrder()
    {
        await using var server = await StartAsync();
        var created = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial = "SN00420", item = DemoPumpFamily.Pump, shipDate = "2026-03-01" }));
        var id = created.GetProperty("assetId").GetString()!;
        var log = server.Services.GetRequiredService<IAssetEventLog>();
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        await log.AppendAsync(
        [
            Crossing(id, AssetEventKind.AlertChanged, at.AddMinutes(5), 4.9, new DesignLimit("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Critical)),
            Crossing(id, AssetEventKind.AlertRaised, at, 3.1, new DesignLimit("bearing_vibration_x", null, 2.8, "mm/s", LimitSeverity.Warning)),
        ], default);

        var events = await server.GetJsonAsync($"/api/assets/{id}/events");
        Assert.Equal(["Warning", "Critical"], events.EnumerateArray().Select(e => e.GetProperty("severity").GetString()));
        Assert.Equal(["alert-raised", "alert-changed"], events.EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(4.5, events[1].GetProperty("limitMax").GetDouble());
        Assert.Equal(("limit", "bearing-wear", $"{id}/limit:bearing_vibration_x@1795168800000"), (events[1].GetProperty("alert").GetProperty("kind").GetString(),
            events[1].GetProperty("alert").GetProperty("failureMode").GetString(), events[1].GetProperty("alert").GetProperty("id").GetString()));
        Assert.Single((await server.GetJsonAsync($"/api/assets/{id}/events?from=2026-11-20T10:01:00Z")).EnumerateArray());
    }

    private static AssetEvent Crossing(string assetId, AssetEventKind kind, DateTimeOffset at, double value, DesignLimit limit) =>
        AssetEvent.Alert(kind, assetId, at, DemoPumpFamily.Pump, "D", null, limit.Severity,
            new AlertPayload(AlertId.For(assetId, "limit:" + limit.Signal, new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero)), AlertKind.Limit,
                "limit:" + limit.Signal, limit.Signal, "bearing-wear", value, limit.Unit, limit, kind == AssetEventKind.AlertChanged ? LimitSeverity.Warning : null,
                $"{limit.Signal} {value}"));
}
