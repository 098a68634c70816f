using Threadline.Features.Demo;
using Threadline.Plm;
using Threadline.Testing;

namespace Threadline.Features.Plm;

/// <summary>The same storage code on both providers: what is written reads back the same, and a stale writer writes nothing.</summary>
public abstract class PlmStoreTests
{
    protected abstract Task<ThreadlineTestServer> StartServerAsync();

    [Fact]
    public async Task DemoCatalog_RoundTripsWithEveryField()
    {
        await using var server = await StartServerAsync();
        var store = server.Services.GetRequiredService<PlmStore>();
        var built = new PlmCatalog(DemoPumpFamily.Build(PlmCatalog.Empty, new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        Assert.True(await store.SaveAsync([.. built.Items], 0, default));
        var (loaded, version) = await store.LoadAsync(default);

        Assert.Equal(1, version);
        Assert.Equal(built.Count, loaded.Count);
        foreach (var item in built.Items)
        {
            Assert.Equal(item, loaded.Get(item.Number));
        }
    }

    [Fact]
    public async Task StaleVersion_WritesNothing()
    {
        await using var server = await StartServerAsync();
        var store = server.Services.GetRequiredService<PlmStore>();
        var now = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.True(await store.SaveAsync([PlmCatalog.Empty.CreateItem(new NewItem("P1", "One", ItemKind.Part), now)], 0, default));

        var stale = await store.SaveAsync([PlmCatalog.Empty.CreateItem(new NewItem("P2", "Two", ItemKind.Part), now)], 0, default);

        Assert.False(stale);
        var (loaded, version) = await store.LoadAsync(default);
        Assert.Equal(1, version);
        Assert.Null(loaded.Find("P2"));
    }

    [Fact]
    public async Task SecondServiceOnTheSameStore_SeesTheFirstOnesWrites()
    {
        await using var server = await StartServerAsync();
        var first = server.Services.GetRequiredService<PlmService>();
        var second = new PlmService(server.Services.GetRequiredService<PlmStore>(), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PlmService>.Instance);
        Assert.Equal(0, (await second.CatalogAsync()).Count);

        await first.ChangeAsync((catalog, now) => catalog.CreateItem(new NewItem("P1", "One", ItemKind.Part), now));
        await second.ChangeAsync((catalog, now) => catalog.CreateItem(new NewItem("P2", "Two", ItemKind.Part), now));

        Assert.NotNull((await first.CatalogAsync()).Find("P2"));
        Assert.NotNull((await second.CatalogAsync()).Find("P1"));
        second.Dispose();
    }
}

public sealed class PlmStoreOnSqliteTests : PlmStoreTests
{
    protected override Task<ThreadlineTestServer> StartServerAsync() => ThreadlineTestServer.StartAsync();
}

public sealed class PlmStoreOnPostgresTests(PostgresDatabaseFactory databases) : PlmStoreTests, IClassFixture<PostgresDatabaseFactory>
{
    protected override async Task<ThreadlineTestServer> StartServerAsync() =>
        await ThreadlineTestServer.StartOnPostgresAsync(await databases.CreateAsync());
}
