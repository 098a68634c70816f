using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;
using Threadline.Events;
using Threadline.Features.Assets;
using Threadline.Hosting;
using Threadline.Plm;
using Threadline.Testing;

namespace Threadline.Storage;

/// <summary>Rows written before events were typed read back as typed events after the TypedEvents migration, on both providers.</summary>
public abstract class TypedEventsMigrationTests
{
    private const string Asset = "PUMP-4720-SN00420-R04";
    private static readonly DateTimeOffset T = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    protected abstract Task<ThreadlineDb> CreateDatabaseAsync();

    [Fact]
    public async Task OldKindsAndDetails_BecomeTypedColumns_AndAClearJoinsItsRaise()
    {
        var db = await CreateDatabaseAsync();
        await using (var context = db.CreateContext())
        {
            await context.GetService<IMigrator>().MigrateAsync("Twins");
            context.Assets.Add(new AssetRow
            {
                Id = Asset, Family = "PUMP-4720", Serial = "SN00420", SerialKey = "SN420", Item = "10-4720-00", Revision = "D",
                Site = "acme/plant-1/area-2", RegisteredAt = T,
            });
            await context.SaveChangesAsync();
            const string twinAlert = """{"key":"limit:bearing_temperature","kind":"Limit","signal":"bearing_temperature","severity":"Warning","message":"bearing_temperature 81 °C is above 80","at":"2026-11-20T12:00:00+00:00"}""";
            await InsertAsync(context, "limit-crossed", T, "Warning", "direction=out: bearing_vibration_x 3.1 mm/s above max 2.8 (Warning)", "bearing_vibration_x");
            await InsertAsync(context, "limit-crossed", T.AddMinutes(10), "Warning", "direction=in: bearing_vibration_x 2.5 mm/s back within the Warning limit", "bearing_vibration_x");
            await InsertAsync(context, "twin-alert", T.AddHours(2), "Warning", twinAlert, "bearing_temperature");
            await InsertAsync(context, "twin-alert-cleared", T.AddHours(3), "Warning", twinAlert, "bearing_temperature");
            await InsertAsync(context, "device-online", T.AddHours(4), null, "source=plant1/edge1/pump-420", null);
            await InsertAsync(context, "seal_replacements", T.AddHours(5), null, "source=dev-420", "seal_replacements");

            await context.Database.MigrateAsync();
        }

        var events = await new AssetStore(db).EventsAsync(Asset, T, T.AddDays(1), 100, default);

        Assert.Equal(
            [AssetEventKind.AlertRaised, AssetEventKind.AlertCleared, AssetEventKind.AlertRaised, AssetEventKind.AlertCleared, AssetEventKind.DeviceOnline, AssetEventKind.SignalEvent],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(("acme/plant-1/area-2", T.ToUnixTimeMilliseconds()), (e.Site, events[0].AtUnixMs)));
        Assert.Equal($"{Asset}/limit:bearing_vibration_x@{T.ToUnixTimeMilliseconds()}", events[0].AlertId);
        Assert.Equal((events[0].AlertId, AlertKind.Limit, (LimitSeverity?)LimitSeverity.Warning), (events[1].AlertId, events[1].AlertKind, events[1].Severity));
        Assert.Equal((events[2].AlertId, "limit:bearing_temperature", "bearing_temperature 81 °C is above 80"), (events[3].AlertId, events[3].AlertKey, events[3].Message));
        Assert.NotEqual(events[0].AlertId, events[2].AlertId);
        Assert.Equal("plant1/edge1/pump-420", events[4].Source);
        Assert.Equal(("seal_replacements", "dev-420"), (events[5].Signal, events[5].Source));
        Assert.Single(await new AssetStore(db).EventsAsync(Asset, T.AddHours(4), T.AddHours(5), 100, default));
    }

    private static Task InsertAsync(ThreadlineDbContext context, string kind, DateTimeOffset at, string? severity, string details, string? signal) =>
        context.Database.ExecuteSqlAsync($"""
            INSERT INTO asset_lifecycle_events (asset_id, kind, at, item, revision, signal, severity, details, recorded_at)
            VALUES ({Asset}, {kind}, {at}, {"10-4720-00"}, {"D"}, {signal}, {severity}, {details}, {at})
            """);

    protected static ThreadlineDb Database(string provider, string connectionString) =>
        new(Options.Create(new StorageOptions { Provider = provider, ConnectionString = connectionString }), Options.Create(new HostingPaths()));
}

public sealed class TypedEventsMigrationOnSqliteTests : TypedEventsMigrationTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("threadline-migration-").FullName;

    protected override Task<ThreadlineDb> CreateDatabaseAsync() =>
        Task.FromResult(Database(StorageProviders.Sqlite, $"Data Source={Path.Combine(_folder, "threadline.db")}"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class TypedEventsMigrationOnPostgresTests(PostgresDatabaseFactory databases) : TypedEventsMigrationTests, IClassFixture<PostgresDatabaseFactory>
{
    protected override async Task<ThreadlineDb> CreateDatabaseAsync() =>
        Database(StorageProviders.Postgres, (await databases.CreateAsync()).ConnectionString);
}
