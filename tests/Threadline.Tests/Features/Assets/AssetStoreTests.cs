using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Threadline.Events;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Plm;
using Threadline.Storage;
using Threadline.Testing;

namespace Threadline.Features.Assets;

/// <summary>The fleet question of the loop on both providers: what it finds, and that it is one indexed query.</summary>
public abstract class AssetStoreTests
{
    private const string Site = "acme/plant-1/area-2";

    protected abstract Task<ThreadlineTestServer> StartServerAsync();

    /// <summary>The provider's plan of a query, as text, with sequential scans made as costly as the provider allows.</summary>
    protected abstract Task<string> PlanAsync(DbCommand command, ThreadlineDbContext context);

    [Fact]
    public async Task BearingWearAlertsOnRevisionCUnits_InTheLast30Days_AreFoundWithTheirLifecycle()
    {
        await using var server = await StartServerAsync();
        var (c1, c2, d) = await SeedAsync(server);

        var found = (await server.GetJsonAsync($"/api/alerts?failureMode=bearing-wear&item={DemoPumpFamily.Pump}&revision=C")).EnumerateArray().ToList();

        var alert = Assert.Single(found);
        Assert.Equal((c1, "bearing-wear", "limit", "C", Site, false), (alert.GetProperty("assetId").GetString(), alert.GetProperty("failureMode").GetString(),
            alert.GetProperty("kind").GetString(), alert.GetProperty("revision").GetString(), alert.GetProperty("site").GetString(), alert.GetProperty("active").GetBoolean()));
        Assert.Equal(server.Time.GetUtcNow().AddDays(-9), alert.GetProperty("clearedAt").GetDateTimeOffset());
        var all = (await server.GetJsonAsync("/api/alerts?failureMode=bearing-wear&from=2026-01-01")).EnumerateArray().Select(a => a.GetProperty("assetId").GetString());
        Assert.Equal([c2, c1, d], all);
        Assert.Empty((await server.GetJsonAsync("/api/alerts?failureMode=bearing-wear&site=acme/plant-2")).EnumerateArray());
        Assert.Equal([c2], (await server.GetJsonAsync("/api/alerts?kind=anomaly")).EnumerateArray().Select(a => a.GetProperty("assetId").GetString()));
    }

    [Fact]
    public async Task FleetQuery_IsOneRangeScanOfTheFailureModeIndex()
    {
        await using var server = await StartServerAsync();
        var (c1, _, _) = await SeedAsync(server);
        // A fleet's record holds many failure modes; the planner (PostgreSQL's after ANALYZE) weighs the index by that.
        var start = server.Time.GetUtcNow().AddDays(-20);
        await server.Services.GetRequiredService<IAssetEventLog>().AppendAsync(
            [.. Enumerable.Range(0, 400).Select(i => Alert(c1, "C", AssetEventKind.AlertRaised, start.AddMinutes(i), start.AddMinutes(i), $"mode-{i % 40}"))], default);
        await using var context = server.Services.GetRequiredService<ThreadlineDb>().CreateContext();
        var now = server.Time.GetUtcNow();
        var query = AssetStore.RaisedAlerts(context, new AlertQuery(now.AddDays(-30), now, 1000, FailureMode: "bearing-wear", Item: DemoPumpFamily.Pump, Revision: "C"));

        await context.Database.OpenConnectionAsync();
        await using var command = query.CreateDbCommand();
        var plan = await PlanAsync(command, context);

        // PostgreSQL cuts identifiers at 63 characters, so the index is named by what both providers keep.
        Assert.True(plan.Contains("ix_asset_lifecycle_events_kind_failure_mode_item_revision_at_u", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task InvertedRange_IsRefused()
    {
        await using var server = await StartServerAsync();

        var response = await server.Client.GetAsync("/api/alerts?from=2026-11-02&to=2026-11-01");

        await Problems.Expect(response, System.Net.HttpStatusCode.UnprocessableEntity, "invalid-range");
    }

    private static async Task<(string C1, string C2, string D)> SeedAsync(ThreadlineTestServer server)
    {
        await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default);
        var c1 = await RegisterAsync(server, "SN00341", "2025-06-01");
        var c2 = await RegisterAsync(server, "SN00342", "2025-06-01");
        var d = await RegisterAsync(server, "SN00420", "2026-03-01");
        var now = server.Time.GetUtcNow();
        var raised = now.AddDays(-10);
        await server.Services.GetRequiredService<IAssetEventLog>().AppendAsync(
        [
            Alert(c1, "C", AssetEventKind.AlertRaised, raised, raised, "bearing-wear"),
            Alert(c1, "C", AssetEventKind.AlertCleared, now.AddDays(-9), raised, "bearing-wear"),
            Alert(c2, "C", AssetEventKind.AlertRaised, now.AddDays(-40), now.AddDays(-40), "bearing-wear"),
            Alert(c2, "C", AssetEventKind.AlertRaised, now.AddDays(-2), now.AddDays(-2), "seal-leak", AlertKind.Anomaly),
            Alert(d, "D", AssetEventKind.AlertRaised, now.AddDays(-3), now.AddDays(-3), "bearing-wear"),
        ], default);
        return (c1, c2, d);
    }

    private static async Task<string> RegisterAsync(ThreadlineTestServer server, string serial, string shipDate) =>
        (await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial, item = DemoPumpFamily.Pump, shipDate, site = Site })))
            .GetProperty("assetId").GetString()!;

    private static AssetEvent Alert(string assetId, string revision, AssetEventKind kind, DateTimeOffset at, DateTimeOffset raisedAt, string failureMode,
        AlertKind alertKind = AlertKind.Limit)
    {
        var signal = failureMode == "bearing-wear" ? "bearing_vibration_x" : "seal_leakage";
        var key = (alertKind == AlertKind.Limit ? "limit:" : "anomaly:") + signal;
        var limit = alertKind == AlertKind.Limit ? new DesignLimit(signal, null, 2.8, "mm/s", LimitSeverity.Warning) : null;
        return AssetEvent.Alert(kind, assetId, at, DemoPumpFamily.Pump, revision, Site, LimitSeverity.Warning,
            new AlertPayload(AlertId.For(assetId, key, raisedAt), alertKind, key, signal, failureMode, 3.1, "mm/s", limit, null, $"{signal} is high"));
    }
}

public sealed class AssetStoreOnSqliteTests : AssetStoreTests
{
    protected override Task<ThreadlineTestServer> StartServerAsync() => ThreadlineTestServer.StartAsync();

    protected override async Task<string> PlanAsync(DbCommand command, ThreadlineDbContext context)
    {
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(3));
        }
        var plan = string.Join('\n', lines);
        Assert.DoesNotContain("SCAN asset_lifecycle_events", plan, StringComparison.Ordinal);
        return plan;
    }
}

public sealed class AssetStoreOnPostgresTests(PostgresDatabaseFactory databases) : AssetStoreTests, IClassFixture<PostgresDatabaseFactory>
{
    protected override async Task<ThreadlineTestServer> StartServerAsync() =>
        await ThreadlineTestServer.StartOnPostgresAsync(await databases.CreateAsync());

    protected override async Task<string> PlanAsync(DbCommand command, ThreadlineDbContext context)
    {
        // A handful of rows is cheaper to scan than to look up; what is asked here is whether the index serves the query.
        await context.Database.ExecuteSqlRawAsync("ANALYZE asset_lifecycle_events");
        await context.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
        command.CommandText = "EXPLAIN " + command.CommandText;
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return string.Join('\n', lines);
    }
}
