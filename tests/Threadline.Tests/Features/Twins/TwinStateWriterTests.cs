using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Storage;
using Threadline.Telemetry;
using Threadline.Testing;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// Write-behind twin persistence in the real server: what grains hand to <see cref="TwinStateWriter"/> is stored by a
/// clean shutdown, and <see cref="TwinStore.WriteAsync"/> upserts states and snapshots alike on SQLite and PostgreSQL.
/// </summary>
public sealed class TwinStateWriterTests(PostgresDatabaseFactory databases) : IClassFixture<PostgresDatabaseFactory>
{
    private const int Fleet = 400;
    private static readonly DateTimeOffset Source = new(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);

    private static TwinReading[] Running(int minute, double vibration) => PumpReadings.Running(Source.AddMinutes(minute), vibration);

    private static double Vibration(int twin) => 1 + twin % 100 / 100.0;

    private static double? VibrationOf(TwinState? state) => state?.Signals.Single(s => s.Signal == "bearing_vibration_x").Value;

    [Fact]
    public async Task CleanShutdown_StoresTheLastReadingOfEveryTwin()
    {
        var data = Directory.CreateTempSubdirectory("threadline-twinwriter-").FullName;
        var settings = new Dictionary<string, string?> { ["DataDirectory"] = data, ["Twins:Enabled"] = "true" };
        try
        {
            var server = await ThreadlineTestServer.StartAsync(settings);
            var plm = server.Services.GetRequiredService<PlmService>();
            await DemoPumpFamily.SeedAsync(plm, default);
            var catalog = await plm.CatalogAsync();
            var assets = Enumerable.Range(0, Fleet).Select(i => AssetRules.Register(
                new NewAsset($"SN{i + 1:000000}", DemoPumpFamily.Pump, null, null, "acme/plant-1", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
                catalog, new AssetFamilyTable([], catalog), server.Time.GetUtcNow())).ToList();
            await server.Services.GetRequiredService<AssetStore>().InsertAsync(assets, default);
            var grains = server.Services.GetRequiredService<IGrainFactory>();
            // The first set is written at once (never saved); the second, within the persist interval of the fake
            // clock, is only in the grains when the server stops.
            await Parallel.ForEachAsync(Enumerable.Range(0, Fleet), async (i, _) =>
            {
                var twin = grains.GetGrain<ITwinGrain>(assets[i].Id);
                await twin.ApplyAsync(Running(0, 1.05));
                await twin.ApplyAsync(Running(1, Vibration(i)));
            });

            var writer = server.Services.GetRequiredService<TwinStateWriter>();
            await server.DisposeAsync();
            // Nothing left to write once the server has stopped: the writer flushed after the silo deactivated the twins.
            Assert.Equal(0, writer.Backlog);

            server = await ThreadlineTestServer.StartAsync(settings);
            var store = server.Services.GetRequiredService<TwinStore>();
            var stored = new List<double?>();
            foreach (var asset in assets)
            {
                stored.Add(VibrationOf(await store.LoadAsync(asset.Id, default)));
            }
            Assert.Equal(Enumerable.Range(0, Fleet).Select(i => (double?)Vibration(i)), stored);
            await server.DisposeAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData(StorageProviders.Sqlite)]
    [InlineData(StorageProviders.Postgres)]
    public async Task WriteAsync_KeepsTheLatestStateAndTheLastSnapshotOfEachPeriod(string provider)
    {
        var settings = new Dictionary<string, string?>();
        if (provider == StorageProviders.Postgres)
        {
            var database = await databases.CreateAsync();
            (settings["Storage:Provider"], settings["Storage:ConnectionString"]) = (provider, database.ConnectionString);
        }
        await using var server = await ThreadlineTestServer.StartAsync(settings);
        var plm = server.Services.GetRequiredService<PlmService>();
        await DemoPumpFamily.SeedAsync(plm, default);
        var catalog = await plm.CatalogAsync();
        var asset = await server.Services.GetRequiredService<InstalledBaseService>().RegisterAsync(
            new NewAsset("SN00420", DemoPumpFamily.Pump, null, null, "acme/plant-1", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)), default);
        var model = new TwinModelResolver().ModelFor(catalog, asset)!;
        var store = server.Services.GetRequiredService<TwinStore>();
        var hour = TimeSpan.FromHours(1);
        TwinState At(int minute, double vibration) => Running(minute, vibration).Aggregate(TwinState.Create(model, asset.Id),
            (state, reading) => TwinEngine.Apply(state, model, reading.ToPoint(asset.Id)).State);
        Task WriteAsync(params TwinState[] states) => store.WriteAsync(
            [.. states.Take(1).Select(s => new TwinStateWrite(s, model.Revision, "acme/plant-1", server.Time.GetUtcNow(), TwinStateJson.Serialize(s)))],
            [.. states.Select(s => new TwinSnapshotWrite(s.AssetId, TwinStore.SnapshotPeriod(s.UpdatedAt!.Value, hour), s.UpdatedAt.Value, TwinStateJson.Serialize(s)))],
            default);

        await WriteAsync(At(10, 1.1));
        // A later state of the same hour replaces its snapshot; one of the next hour adds another.
        await WriteAsync(At(70, 1.3), At(20, 1.2));
        // An earlier state written late does not replace the later snapshot of its hour.
        await store.WriteAsync([], [new TwinSnapshotWrite(asset.Id, TwinStore.SnapshotPeriod(Source.AddMinutes(5), hour), Source.AddMinutes(5), TwinStateJson.Serialize(At(5, 9.9)))], default);

        Assert.Equal(1.3, VibrationOf(await store.LoadAsync(asset.Id, default)));
        Assert.Equal(1.2, VibrationOf(await store.SnapshotAsync(asset.Id, Source.AddMinutes(59), default)));
        Assert.Equal(1.3, VibrationOf(await store.SnapshotAsync(asset.Id, Source.AddMinutes(71), default)));
        var listed = Assert.Single(await store.ListAsync("acme", null, null, default));
        Assert.Equal(("D", "acme/plant-1", Source.AddMinutes(70)), (listed.Revision, listed.Site, listed.UpdatedAt));
    }
}
