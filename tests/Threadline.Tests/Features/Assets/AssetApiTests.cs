using System.Net;
using System.Text.Json;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Testing;

namespace Threadline.Features.Assets;

/// <summary>The installed-base API through the real HTTP pipeline, on the demo pump; run on SQLite and on PostgreSQL.</summary>
public abstract class AssetApiTests
{
    private const string Pump = DemoPumpFamily.Pump;

    protected abstract Task<ThreadlineTestServer> StartServerAsync();

    private async Task<ThreadlineTestServer> StartWithPumpAsync()
    {
        var server = await StartServerAsync();
        await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default);
        return server;
    }

    private static async Task<string> Register(ThreadlineTestServer server, string serial, string shipDate, string? site = null, string? device = null)
    {
        var created = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets",
            new { serial, item = Pump, shipDate, site, iotDeviceId = device }));
        return created.GetProperty("assetId").GetString()!;
    }

    [Fact]
    public async Task Register_GivesTheFamilyPatternId_AndTheRevisionInEffectOnTheShipDate()
    {
        await using var server = await StartWithPumpAsync();
        var response = await server.PostAsync("/api/assets", new { serial = "sn341", item = Pump, shipDate = "2026-03-01", site = "Acme/Plant-1/Area-2/Line-3/Cell-1", iotDeviceId = "dev-341" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var asset = await server.GetJsonAsync(response.Headers.Location!.ToString());
        Assert.Equal("PUMP-4720-SN00341-R04", asset.GetProperty("assetId").GetString());
        Assert.Equal("D", asset.GetProperty("revision").GetString());
        Assert.Equal("plant-1", asset.GetProperty("siteLevels").GetProperty("site").GetString());
        Assert.Equal("active", asset.GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_FiltersBySiteItemRevisionAndStatus()
    {
        await using var server = await StartWithPumpAsync();
        await Register(server, "SN00341", "2025-06-01", "acme/plant-1/area-1");
        await Register(server, "SN00342", "2026-03-01", "acme/plant-1/area-2");
        await Register(server, "SN00343", "2026-03-01", "acme/plant-2");

        static IEnumerable<string> Ids(JsonElement list) => list.EnumerateArray().Select(a => a.GetProperty("assetId").GetString()!);
        Assert.Equal(["PUMP-4720-SN00341-R03", "PUMP-4720-SN00342-R04"], Ids(await server.GetJsonAsync("/api/assets?site=acme/plant-1")));
        Assert.Equal(["PUMP-4720-SN00341-R03"], Ids(await server.GetJsonAsync($"/api/assets?item={Pump}&revision=c")));
        Assert.Equal(3, Ids(await server.GetJsonAsync("/api/assets?status=active")).Count());
        Assert.Empty(Ids(await server.GetJsonAsync("/api/assets?status=end-of-life")));
    }

    [Fact]
    public async Task BadRegistrations_AreProblems_AndWriteNothing()
    {
        await using var server = await StartWithPumpAsync();
        await Register(server, "SN00341", "2025-06-01", device: "dev-1");

        await Problems.Expect(await server.PostAsync("/api/assets", new { serial = "SN341", item = Pump, shipDate = "2026-03-01" }), HttpStatusCode.Conflict, "duplicate-serial");
        await Problems.Expect(await server.PostAsync("/api/assets", new { serial = "SN9", item = Pump, iotDeviceId = "dev-1" }), HttpStatusCode.Conflict, "duplicate-device");
        await Problems.Expect(await server.PostAsync("/api/assets", new { serial = "SN9", item = "NOPE" }), HttpStatusCode.NotFound, "unknown-item");
        await Problems.Expect(await server.PostAsync("/api/assets", new { serial = "SN9", item = Pump, revision = "Q" }), HttpStatusCode.NotFound, "unknown-revision");
        await Problems.Expect(await server.PostAsync("/api/assets", new { serial = "SN9", item = Pump, assetId = "pump-4720-sn9" }), HttpStatusCode.UnprocessableEntity, "malformed-asset-id");
        await Problems.Expect(await server.PostAsync("/api/assets", new { serial = "SN9", item = Pump, shipDate = "14/03/2026" }), HttpStatusCode.UnprocessableEntity, "invalid-date");
        await Problems.Expect(await server.Client.GetAsync("/api/assets/PUMP-4720-SN00314-R03"), HttpStatusCode.NotFound, "unknown-asset");
        await Problems.Expect(await server.Client.GetAsync("/api/assets/VALVE-1-SN1-R01"), HttpStatusCode.NotFound, "unknown-prefix");

        Assert.Single((await server.GetJsonAsync("/api/assets")).EnumerateArray());
    }

    [Fact]
    public async Task UnknownAsset_ProposesTheRecordItMostLikelyMeans()
    {
        await using var server = await StartWithPumpAsync();
        await Register(server, "SN00341", "2025-06-01");
        var problem = await Problems.Expect(await server.Client.GetAsync("/api/assets/PUMP-4720-SN00314-R03"), HttpStatusCode.NotFound, "unknown-asset");
        Assert.Contains("Did you mean PUMP-4720-SN00341-R03", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unit4172_OnFourteenthMarch_IsItsAsBuiltPlusTheServiceEventsUpToThatDay()
    {
        await using var server = await StartWithPumpAsync();
        var id = await Register(server, "SN04172", "2025-09-01");
        var asBuilt = await ThreadlineTestServer.ExpectSuccess(await server.PutAsync($"/api/assets/{id}/as-built", new
        {
            components = new object[]
            {
                new { findNumber = "10", item = "30-1100", revision = "A", serial = "M-88121" },
                new { findNumber = "20", item = "20-2100", revision = "A", serial = "H-2231" },
                new { findNumber = "20/10", item = "40-6310", revision = "A", lot = "L2508" },
                new { findNumber = "30", item = "20-3200", revision = "A", serial = "I-5521", substitutes = "20-3210" },
                new { findNumber = "40", item = "20-4300", revision = "A", serial = "S-7781" },
                new { findNumber = "50", item = "20-5000", revision = "A" },
                new { findNumber = "60", item = "90-0012", revision = "A", lot = "B-0425" },
            },
        }));
        var deviation = Assert.Single(asBuilt.GetProperty("deviations").EnumerateArray());
        Assert.Equal(("30", "substitution"), (deviation.GetProperty("path").GetString(), deviation.GetProperty("kind").GetString()));

        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/assets/{id}/service-events", new
        {
            kind = "replacement", component = "40", removedSerial = "S-7781", installed = new { item = "20-4310", revision = "A", serial = "S-9902" },
            operatingHours = 4210.5, technician = "j.moreau", at = "2026-03-14T10:30:00Z",
        }));
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/assets/{id}/service-events", new
        {
            kind = "replacement", component = "40-6310", installed = new { item = "40-6310-C3", revision = "A", serial = "B-1" },
            operatingHours = 5100, technician = "a.silva", at = "2026-05-02T09:00:00Z",
        }));

        JsonElement Node(JsonElement config, string path) => Flatten(config.GetProperty("components")).Single(n => n.GetProperty("path").GetString() == path);
        var before = await server.GetJsonAsync($"/api/assets/{id}/configuration?at=2026-03-13");
        var onDay = await server.GetJsonAsync($"/api/assets/{id}/configuration?at=2026-03-14");
        var later = await server.GetJsonAsync($"/api/assets/{id}/configuration?at=2026-06-01");

        Assert.Equal(("20-4300", "designed"), (Node(before, "40").GetProperty("item").GetString(), Node(before, "40").GetProperty("status").GetString()));
        Assert.Equal(("20-4310", "replaced", "S-9902"), (Node(onDay, "40").GetProperty("item").GetString(), Node(onDay, "40").GetProperty("status").GetString(), Node(onDay, "40").GetProperty("serial").GetString()));
        Assert.Equal("substituted", Node(onDay, "30").GetProperty("status").GetString());
        Assert.Equal("40-6310", Node(onDay, "20/10").GetProperty("item").GetString());
        Assert.Equal("40-6310-C3", Node(later, "20/10").GetProperty("item").GetString());

        var history = await server.GetJsonAsync($"/api/assets/{id}/service-events");
        Assert.Equal(["40", "20/10"], history.EnumerateArray().Select(e => e.GetProperty("component").GetString()));
    }

    [Fact]
    public async Task BadServiceEvents_AreProblems_AndWriteNothing()
    {
        await using var server = await StartWithPumpAsync();
        var id = await Register(server, "SN00341", "2025-06-01");
        object Event(string component, string at, string item = "20-4310") =>
            new { kind = "replacement", component, installed = new { item, revision = "A" }, technician = "t", at };

        await Problems.Expect(await server.PostAsync($"/api/assets/{id}/service-events", Event("99", "2026-01-01")), HttpStatusCode.UnprocessableEntity, "unknown-component");
        await Problems.Expect(await server.PostAsync($"/api/assets/{id}/service-events", Event("40", "2025-05-01")), HttpStatusCode.UnprocessableEntity, "before-ship-date");
        await Problems.Expect(await server.PostAsync($"/api/assets/{id}/service-events", Event("40", "2026-01-01", "NOPE")), HttpStatusCode.NotFound, "unknown-item");
        await Problems.Expect(await server.PostAsync($"/api/assets/{id}/service-events", new { kind = "swap", component = "40", technician = "t", at = "2026-01-01" }), HttpStatusCode.UnprocessableEntity, "invalid-kind");
        await Problems.Expect(await server.PutAsync($"/api/assets/{id}/as-built", new { components = new[] { new { item = "NOPE", revision = "A" } } }), HttpStatusCode.NotFound, "unknown-item");

        Assert.Empty((await server.GetJsonAsync($"/api/assets/{id}/service-events")).EnumerateArray());
        Assert.Empty((await server.GetJsonAsync($"/api/assets/{id}/as-built")).GetProperty("components").EnumerateArray());
    }

    [Fact]
    public async Task ValidationGate_ListsUnresolvedTargetsWithReasons_AndRemediationProposesRecords()
    {
        await using var server = await StartWithPumpAsync();
        var good = await Register(server, "SN00341", "2025-06-01");
        var report = await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/assets/validation/targets", new
        {
            ids = new[] { good, "pump_4720 sn341 r3", "PUMP-4720-SN00999-R03", "FAN-1-SN1-R01" },
            source = "historian tags",
        }));
        Assert.Equal((4, 1, false), (report.GetProperty("total").GetInt32(), report.GetProperty("resolved").GetInt32(), report.GetProperty("gatePassed").GetBoolean()));
        var reasons = report.GetProperty("unresolved").EnumerateArray().ToDictionary(u => u.GetProperty("assetId").GetString()!, u => u.GetProperty("reason").GetString());
        Assert.Equal("malformed-id", reasons["pump_4720 sn341 r3"]);
        Assert.Equal("unknown-asset", reasons["PUMP-4720-SN00999-R03"]);
        Assert.Equal("unknown-prefix", reasons["FAN-1-SN1-R01"]);
        Assert.Equal(report.GetRawText(), (await server.GetJsonAsync("/api/assets/validation")).GetRawText());

        var remediation = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets/remediation", new { ids = new[] { "pump_4720 sn341 r3", "PUMP-4720-SN00314-R03" } }));
        Assert.Equal([good, good], remediation.EnumerateArray().Select(r => r.GetProperty("proposal").GetString()));
        Assert.Equal(["normalised", "near-match"], remediation.EnumerateArray().Select(r => r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task ContextAndAccuracy_ComeFromTheRevisionTheUnitWasBuiltTo()
    {
        await using var server = await StartWithPumpAsync();
        var c = await Register(server, "SN00341", "2025-06-01");
        await Register(server, "SN00420", "2026-03-01");
        var context = await server.GetJsonAsync($"/api/assets/{c}/context");
        Assert.Equal("C", context.GetProperty("assetRevision").GetProperty("code").GetString());
        Assert.Equal("D", context.GetProperty("currentEngineeringRevision").GetProperty("code").GetString());
        Assert.Contains(context.GetProperty("assetRevision").GetProperty("limits").EnumerateArray(),
            l => l.GetProperty("signal").GetString() == "bearing_vibration_x" && l.GetProperty("max").GetDouble() == 7.1);
        Assert.Empty(context.GetProperty("openChangeOrders").EnumerateArray());
        Assert.Equal(5, context.GetProperty("serviceBom").GetArrayLength());

        // A seal replaced by a part the service BOM does not list makes one of ten positions wrong.
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/assets/{c}/service-events", new
        {
            kind = "replacement", component = "40", installed = new { item = "40-4100", revision = "A" }, technician = "t", at = "2026-01-01",
        }));
        var accuracy = await server.GetJsonAsync("/api/assets/service-bom-accuracy");
        Assert.Equal((10, 9, 0.9, false), (accuracy.GetProperty("positions").GetInt32(), accuracy.GetProperty("matching").GetInt32(),
            accuracy.GetProperty("accuracy").GetDouble(), accuracy.GetProperty("meetsTarget").GetBoolean()));
    }

    [Fact]
    public async Task HistoriesOfManyUnits_ReadByChunk_AreEachUnitsOwnHistory()
    {
        await using var server = await StartWithPumpAsync();
        var ids = new List<string>();
        for (var n = 0; n < 5; n++)
        {
            ids.Add(await Register(server, $"SN0050{n}", "2026-03-01"));
        }
        foreach (var (id, at) in new[] { (ids[1], "2026-05-01"), (ids[3], "2026-04-01"), (ids[3], "2026-04-02"), (ids[4], "2026-06-01") })
        {
            await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/assets/{id}/service-events",
                new { kind = "inspection", component = "40", technician = "t", at }));
        }
        var store = server.Services.GetRequiredService<AssetStore>();
        var assets = await store.ListAsync(null, null, null, default);

        var histories = new List<(Threadline.Assets.Asset Asset, IReadOnlyList<Threadline.Assets.AsBuiltComponent> AsBuilt, IReadOnlyList<Threadline.Assets.ServiceEvent> Events)>();
        await foreach (var history in store.HistoriesAsync(assets, default, chunkSize: 2))
        {
            histories.Add(history);
        }

        Assert.Equal(assets.Select(a => a.Id), histories.Select(h => h.Asset.Id));
        foreach (var (asset, built, events) in histories)
        {
            var one = (await store.HistoryAsync(asset.Id, default))!.Value;
            Assert.Equal(one.AsBuilt, built);
            Assert.Equal(one.Events, events);
        }
        Assert.Equal([0, 1, 0, 2, 1], histories.Select(h => h.Events.Count));
    }

    [Fact]
    public async Task RetiredUnit_StillResolves_IsReadOnly_AndItsAutomaticChangesGoToTriage()
    {
        await using var server = await StartWithPumpAsync();
        var id = await Register(server, "SN00341", "2025-06-01");
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/assets/{id}/retire", null));
        Assert.Equal("end-of-life", (await server.GetJsonAsync($"/api/assets/{id}")).GetProperty("status").GetString());
        await Problems.Expect(await server.PostAsync($"/api/assets/{id}/service-events", new { kind = "inspection", component = "40", technician = "t", at = "2026-01-01" }),
            HttpStatusCode.Conflict, "asset-end-of-life");
        var report = await server.GetJsonAsync("/api/assets/validation");
        Assert.Equal((1, 1), (report.GetProperty("total").GetInt32(), report.GetProperty("resolved").GetInt32()));
        Assert.Equal([id], report.GetProperty("endOfLife").EnumerateArray().Select(e => e.GetString()));

        var route = await server.Services.GetRequiredService<InstalledBaseService>().RouteAutomaticChangeAsync(id, "fleet pattern: seal leaks", null, default);
        Assert.Equal(Threadline.Assets.ChangeRoute.ManualTriage, route);
        Assert.Equal(id, Assert.Single((await server.GetJsonAsync("/api/triage")).EnumerateArray()).GetProperty("assetId").GetString());
    }

    [Fact]
    public async Task Federation_RoutesAnExternalFamilyToItsPlm_AndReportsUnknownPrefixes()
    {
        await using var server = await StartWithPumpAsync();
        await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/asset-families/VALVE-88", new { plmUrl = "https://plm.example.com/" }));
        var route = await server.GetJsonAsync("/api/federation/route/VALVE-88-SN00001-R01");
        Assert.Equal(("external", "https://plm.example.com/api/assets/VALVE-88-SN00001-R01"), (route.GetProperty("plm").GetString(), route.GetProperty("location").GetString()));
        var redirect = await server.Client.GetAsync("/api/assets/VALVE-88-SN00001-R01");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirect.StatusCode);
        Assert.Equal("https://plm.example.com/api/assets/VALVE-88-SN00001-R01", redirect.Headers.Location!.ToString());
        Assert.Equal("local", (await server.GetJsonAsync("/api/federation/route/PUMP-4720-SN1-R03")).GetProperty("plm").GetString());
        await Problems.Expect(await server.Client.GetAsync("/api/federation/route/FAN-1-SN1"), HttpStatusCode.NotFound, "unknown-prefix");
        await Problems.Expect(await server.PutAsync("/api/asset-families/VALVE-88", new { plmUrl = "ftp://x" }), HttpStatusCode.UnprocessableEntity, "invalid-family");
    }

    private static IEnumerable<JsonElement> Flatten(JsonElement nodes)
    {
        foreach (var node in nodes.EnumerateArray())
        {
            yield return node;
            if (node.TryGetProperty("children", out var children) && children.ValueKind == JsonValueKind.Array)
            {
                foreach (var child in Flatten(children))
                {
                    yield return child;
                }
            }
        }
    }
}

public sealed class AssetApiOnSqliteTests : AssetApiTests
{
    protected override Task<ThreadlineTestServer> StartServerAsync() => ThreadlineTestServer.StartAsync();
}

public sealed class AssetApiOnPostgresTests(PostgresDatabaseFactory databases) : AssetApiTests, IClassFixture<PostgresDatabaseFactory>
{
    protected override async Task<ThreadlineTestServer> StartServerAsync() =>
        await ThreadlineTestServer.StartOnPostgresAsync(await databases.CreateAsync());
}
