using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threadline.Telemetry;
using Threadline.Testing;

namespace Threadline.Features.Telemetry;

/// <summary>The store is the one configuration names, bad settings stop the start, and retention runs on the injected clock.</summary>
public sealed class TelemetryRegistrationTests(PostgresDatabaseFactory databases) : IClassFixture<PostgresDatabaseFactory>
{
    [Fact]
    public async Task Default_IsDuckDbFileInTheDataFolder()
    {
        await using var server = await ThreadlineTestServer.StartAsync();

        var store = Assert.IsType<DuckDbTelemetryStore>(server.Services.GetRequiredService<ITelemetryStore>());

        Assert.Equal(Path.Combine(server.DataDirectory, "telemetry.duckdb"), store.File);
        Assert.True(File.Exists(store.File));
    }

    [Fact]
    public async Task PostgresStore_DefaultsToTheRelationalPostgresConnection()
    {
        var database = await databases.CreateAsync();
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Telemetry:Store"] = "Postgres",
        });
        var store = Assert.IsType<PostgresTelemetryStore>(server.Services.GetRequiredService<ITelemetryStore>());
        var at = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
        await Demo.DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<Plm.PlmService>(), default);
        var asset = (await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets", new { serial = "SN1", item = Demo.DemoPumpFamily.Pump })))
            .GetProperty("assetId").GetString()!;

        await store.AppendAsync([new TelemetryPoint(asset, "temperature", at, 1, null, TelemetryQuality.Good, "edge")], default);

        var body = await server.GetJsonAsync($"/api/assets/{asset}/telemetry/temperature?step=1h");
        Assert.Equal(1, body.GetProperty("buckets")[0].GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task UnknownStore_FailsAtStartNamingTheSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Telemetry:Store"] = "Influx" }));

        Assert.Contains("Telemetry:Store", ex.Message);
        Assert.Contains("Influx", ex.Message);
    }

    [Fact]
    public async Task PostgresStoreWithoutAnyConnection_FailsAtStartNamingTheSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Telemetry:Store"] = "Postgres" }));

        Assert.Contains("Telemetry:ConnectionString", ex.Message);
    }

    [Fact]
    public async Task ZeroRetention_FailsAtStartNamingTheSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Telemetry:RawRetentionDays"] = "0" }));

        Assert.Contains("Telemetry:RawRetentionDays", ex.Message);
    }

    [Fact]
    public async Task RetentionService_RunsEachIntervalOfTheInjectedClock()
    {
        var folder = Directory.CreateTempSubdirectory("threadline-retention-").FullName;
        try
        {
            var options = new TelemetryOptions { RawRetentionDays = 1, RetentionIntervalMinutes = 30 };
            using var inner = new DuckDbTelemetryStore(Path.Combine(folder, "telemetry.duckdb"), options);
            await inner.InitialiseAsync(default);
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
            await inner.AppendAsync([new TelemetryPoint("PUMP-1", "t", time.GetUtcNow().AddHours(-23).AddMinutes(-15), 1, null, TelemetryQuality.Good, "edge")], default);
            var store = new SignallingStore(inner);
            using var service = new TelemetryRetentionService(store, Options.Create(options), time, NullLogger<TelemetryRetentionService>.Instance);
            await service.StartAsync(default);

            time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(time.GetUtcNow(), await store.NextPass());
            Assert.Single(await inner.ReadRawAsync("PUMP-1", "t", time.GetUtcNow().AddDays(-2), time.GetUtcNow(), default));

            time.Advance(TimeSpan.FromMinutes(30));
            Assert.Equal(time.GetUtcNow(), await store.NextPass());
            Assert.Empty(await inner.ReadRawAsync("PUMP-1", "t", time.GetUtcNow().AddDays(-2), time.GetUtcNow(), default));

            await service.StopAsync(default);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The real store, plus a signal each time a retention pass has finished.</summary>
    private sealed class SignallingStore(ITelemetryStore inner) : ITelemetryStore
    {
        private readonly System.Threading.Channels.Channel<DateTimeOffset> _passes = System.Threading.Channels.Channel.CreateUnbounded<DateTimeOffset>();

        public async Task<DateTimeOffset> NextPass()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await _passes.Reader.ReadAsync(timeout.Token);
        }

        public Task InitialiseAsync(CancellationToken cancellationToken) => inner.InitialiseAsync(cancellationToken);

        public Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken) => inner.AppendAsync(points, cancellationToken);

        public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            inner.ReadRawAsync(assetId, signal, from, to, cancellationToken);

        public Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken) =>
            inner.ReadRollupAsync(assetId, signal, from, to, step, cancellationToken);

        public async Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            await inner.ApplyRetentionAsync(now, cancellationToken);
            _passes.Writer.TryWrite(now);
        }
    }
}
