using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Demo;
using Threadline.Features.Ingestion;
using Threadline.Features.Plm;
using Threadline.Features.Telemetry;
using Threadline.Storage;
using Threadline.Telemetry;
using Threadline.Testing;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// <see cref="TwinGrain"/> on Orleans' in-process test cluster (two silos), with the services it runs on in the
/// server: installed base, PLM and twin store on one SQLite file, one DuckDB telemetry store, the twin publisher
/// with no broker attached, and one <see cref="FakeTimeProvider"/> for every silo. Readings are handed to grains through a silo's own grain
/// factory, so prefer-local placement puts the twin on that silo.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class TwinGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Source = new(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
    private readonly string _data = Directory.CreateTempSubdirectory("threadline-twingrain-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
    private DuckDbTelemetryStore _telemetry = null!;
    private InProcessTestCluster _cluster = null!;
    private ServiceProvider _seed = null!;
    private string _asset = "";

    private IConfiguration Configuration => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["DataDirectory"] = _data, ["Twins:PersistIntervalSeconds"] = "30",
        // Small enough that a catch-up reading old ground would fill it before the readings it missed.
        ["Twins:CatchUpMaxReadings"] = "40",
    }).Build();

    /// <summary>What a silo of the server registers for its twins, by the server's own registration methods.</summary>
    private void AddTwinServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimeProvider>(_time);
        services.AddStorage(configuration);
        services.AddPlm();
        services.AddInstalledBase();
        services.AddOptions<TwinOptions>().Bind(configuration.GetSection(TwinOptions.Section));
        services.AddOptions<UnsOptions>();
        services.AddSingleton<UnsPublisher>();
        services.AddSingleton<TwinStore>();
        services.AddSingleton<TwinPublisher>();
        services.AddSingleton<TwinModelResolver>();
        services.AddSingleton<ITelemetryStore>(_telemetry);
        TwinStateWriter.Register(services);
    }

    public async Task InitializeAsync()
    {
        _telemetry = new DuckDbTelemetryStore(Path.Combine(_data, "telemetry.duckdb"), new TelemetryOptions());
        await _telemetry.InitialiseAsync(default);
        var configuration = Configuration;
        var seed = new ServiceCollection().AddLogging();
        AddTwinServices(seed, configuration);
        _seed = seed.BuildServiceProvider();
        await _seed.GetRequiredService<ThreadlineDb>().MigrateAsync();
        await DemoPumpFamily.SeedAsync(_seed.GetRequiredService<PlmService>(), default);
        _asset = (await _seed.GetRequiredService<InstalledBaseService>().RegisterAsync(
            new NewAsset("SN00420", DemoPumpFamily.Pump, null, null, "acme/plant-1", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)), default)).Id;

        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddConfiguration(configuration);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            AddTwinServices(host.Services, host.Configuration);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _seed.DisposeAsync();
        _telemetry.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private ITwinGrain TwinOn(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(_asset);

    private static TwinReading[] Running(int minute, double vibration) => PumpReadings.Running(Source.AddMinutes(minute), vibration);

    private async Task<double?> StoredVibrationAsync()
    {
        var state = await _seed.GetRequiredService<TwinStore>().LoadAsync(_asset, default);
        return state?.Signals.Single(s => s.Signal == "bearing_vibration_x").Value;
    }

    [Fact]
    public async Task Readings_AreInTheTwinsView()
    {
        var twin = TwinOn(_cluster.Silos[0]);

        await twin.ApplyAsync(Running(0, 1.7));

        var view = System.Text.Json.JsonDocument.Parse((await twin.ViewAsync())!).RootElement;
        Assert.Equal(1.7, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
        Assert.Equal("D", view.GetProperty("revision").GetString());
    }

    [Fact]
    public async Task PersistInterval_StateIsWrittenOnceTheClockHasPassedIt_NotBefore()
    {
        var silo = _cluster.Silos[0];
        var twin = TwinOn(silo);
        var writer = silo.ServiceProvider.GetRequiredService<TwinStateWriter>();
        // The first reading set is written at once: the twin has never been saved.
        await twin.ApplyAsync(Running(0, 1.1));
        await writer.WrittenAsync(_asset);
        Assert.Equal(1.1, await StoredVibrationAsync());

        _time.Advance(TimeSpan.FromSeconds(29));
        await twin.ApplyAsync(Running(1, 1.2));
        await writer.WrittenAsync(_asset);
        Assert.Equal(1.1, await StoredVibrationAsync());

        _time.Advance(TimeSpan.FromSeconds(1));
        await twin.ApplyAsync(Running(2, 1.3));
        await writer.WrittenAsync(_asset);
        Assert.Equal(1.3, await StoredVibrationAsync());
    }

    [Fact]
    public async Task Deactivation_WritesTheUnsavedState()
    {
        var twin = TwinOn(_cluster.Silos[0]);
        await twin.ApplyAsync(Running(0, 1.1));
        await twin.ApplyAsync(Running(1, 1.4));

        await _cluster.DeactivateAsync(twin);

        Assert.Equal(1.4, await StoredVibrationAsync());
    }

    [Fact]
    public async Task TwinOnAStoppedSilo_ResumesOnTheOtherFromItsPersistedState()
    {
        var second = _cluster.Silos[1];
        var onSecond = TwinOn(second);
        await onSecond.ApplyAsync(Running(0, 1.1));
        await onSecond.ApplyAsync(Running(1, 1.6));
        Assert.Contains(second.SiloAddress.Endpoint.Port.ToString(CultureInfo.InvariantCulture), await onSecond.SiloAsync());

        await _cluster.StopSiloAsync(second);

        var first = _cluster.Silos.Single();
        var onFirst = TwinOn(first);
        Assert.Contains(first.SiloAddress.Endpoint.Port.ToString(CultureInfo.InvariantCulture), await onFirst.SiloAsync());
        var view = System.Text.Json.JsonDocument.Parse((await onFirst.ViewAsync())!).RootElement;
        Assert.Equal(1.6, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
    }

    [Fact]
    public async Task Activation_TakesInTheReadingsStoredAfterThePersistedState_AndTheFeedDoesNotCountThemTwice()
    {
        var twin = TwinOn(_cluster.Silos[0]);
        await twin.ApplyAsync(Running(0, 1.1));
        await _cluster.DeactivateAsync(twin);
        // Stored while the twin was not running, as by a crashed server whose twin had not written them yet, or by
        // the intake journal's replay at start. Stamped on arrival, so finer than the store's microsecond.
        var missed = new[] { Readings(1, 1.6), Readings(2, 2.1) };
        foreach (var readings in missed)
        {
            await _telemetry.AppendAsync([.. readings.Select(r => r.ToPoint(_asset))], default);
        }

        var view = System.Text.Json.JsonDocument.Parse((await twin.ViewAsync())!).RootElement;
        Assert.Equal(2.1, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
        // The feed brings them too (it hands readings to the store and the twin side by side), at full precision.
        await twin.ApplyAsync([.. missed[0], .. missed[1]]);
        await twin.FlushAsync();

        var stored = await _seed.GetRequiredService<TwinStore>().LoadAsync(_asset, default);
        var vibration = stored!.Signals.Single(s => s.Signal == "bearing_vibration_x");
        Assert.Equal(2.1, vibration.Value);
        Assert.Equal(3, Assert.Single(vibration.Days).Count);
    }

    [Fact]
    public async Task Activation_WithOneSignalSilentForHours_TakesInWhatTheOthersMissed_NotTheirOldGround()
    {
        var twin = TwinOn(_cluster.Silos[0]);
        var silent = "seal_temperature";
        await twin.ApplyAsync([.. PumpReadings.Running(Source.AddHours(-3), 1.1).Where(r => r.Signal == silent)]);
        await twin.ApplyAsync([.. Running(0, 1.1).Where(r => r.Signal != silent)]);
        await _cluster.DeactivateAsync(twin);
        // Three hours of the other signals that the twin's state is already past, then two sets it missed.
        for (var minute = -180; minute < 0; minute++)
        {
            await _telemetry.AppendAsync([.. Running(minute, 1.1).Where(r => r.Signal != silent).Select(r => r.ToPoint(_asset))], default);
        }
        foreach (var minute in new[] { 1, 2 })
        {
            await _telemetry.AppendAsync([.. Running(minute, 1.1 + minute / 2.0).Select(r => r.ToPoint(_asset))], default);
        }

        var view = System.Text.Json.JsonDocument.Parse((await twin.ViewAsync())!).RootElement;

        Assert.Equal(2.1, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
    }

    /// <summary>A running reading set a few ticks after the minute, as a point stamped on arrival is.</summary>
    private static TwinReading[] Readings(int minute, double vibration) => PumpReadings.Running(Source.AddMinutes(minute).AddTicks(5), vibration);

    [Fact]
    public async Task Activation_WhenTheStoreCannotBeRead_ResumesFromThePersistedState()
    {
        var twin = TwinOn(_cluster.Silos[0]);
        await twin.ApplyAsync(Running(0, 1.1));
        await _cluster.DeactivateAsync(twin);
        await _telemetry.AppendAsync([.. Running(1, 1.6).Select(r => r.ToPoint(_asset))], default);
        // Closed: every read now throws, as a store whose file cannot be read does.
        _telemetry.Dispose();

        var view = System.Text.Json.JsonDocument.Parse((await twin.ViewAsync())!).RootElement;

        Assert.Equal(1.1, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
    }
}
