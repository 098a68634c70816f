using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Telemetry;
using Threadline.Testing;
using Xunit.Abstractions;

namespace Threadline.Features.Twins;

/// <summary>
/// Twins:Clustering=AdoNet: servers on one PostgreSQL form one Orleans cluster through the membership table that
/// Threadline's own SQL implements, and a twin survives the crash of the silo that hosted it.
/// </summary>
public sealed class TwinClusterAdoNetTests(PostgresDatabaseFactory databases, ITestOutputHelper output) : IClassFixture<PostgresDatabaseFactory>
{
    // On the system clock, as the servers are: a twin takes in stored readings up to Twins:CatchUpHours old.
    private static readonly DateTimeOffset ReadAt = TimeProvider.System.GetUtcNow().AddMinutes(-10);
    private const int Active = (int)SiloStatus.Active;
    private const int Dead = (int)SiloStatus.Dead;

    private static Dictionary<string, string?> Settings(PostgresDatabase database) => new()
    {
        ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = database.ConnectionString, ["Telemetry:Store"] = "Postgres",
        // The twin writes its state only when told to (FlushAsync) or when it concludes something, never by the clock.
        ["Twins:PersistIntervalSeconds"] = "3600",
        ["Twins:Enabled"] = "true", ["Twins:Clustering"] = "AdoNet", ["Twins:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
        // Failure detection in about a second rather than about 15 s with Orleans' defaults: probe every second, suspect after 2 misses.
        ["Twins:Membership:ProbeTimeout"] = "00:00:01", ["Twins:Membership:NumMissedProbesLimit"] = "2",
        ["Twins:Membership:TableRefreshTimeout"] = "00:00:02", ["Twins:Membership:IAmAliveTablePublishTimeout"] = "00:00:02",
    };

    [Fact]
    public async Task HostingSiloCrashes_TwinComesBackOnTheOtherWithItsPersistedState_AndTheReadingsStoredSince()
    {
        var database = await databases.CreateAsync();
        var settings = Settings(database);
        await using var first = await StartServerAsync(settings);
        var asset = await RegisterPumpAsync(first);
        await using var second = await ServerProcess.StartAsync(settings, output);

        // Asked on the second server, the twin activates there (prefer-local placement); asked from the first, the call goes to it.
        await second.GetAsync($"/api/twins/{asset}");
        var twin = first.Services.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(asset);
        Assert.Contains(":" + second.SiloPort.ToString(CultureInfo.InvariantCulture), await twin.SiloAsync());
        await twin.ApplyAsync(Readings(asset, ("speed", 1475), ("flow", 45), ("bearing_vibration_x", 2.2)));
        await twin.FlushAsync();
        // A later reading is stored and reaches the twin, which does not write it yet (Twins:PersistIntervalSeconds).
        var later = Readings(asset, ReadAt.AddMinutes(1), ("bearing_vibration_x", 2.4));
        await first.Services.GetRequiredService<Telemetry.ITelemetryStore>().AppendAsync([.. later.Select(r => r.ToPoint(asset))], default);
        await twin.ApplyAsync(later);

        var killedAt = Stopwatch.GetTimestamp();
        second.Crash();
        // The first silo's own view of the cluster, not a grain call: the management grain may have lived on the crashed silo.
        var membership = first.Services.GetRequiredService<IClusterMembershipService>();
        await DeclaredDeadAsync(membership, second.SiloPort, TimeSpan.FromSeconds(60));
        output.WriteLine($"Crashed silo declared dead after {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:F1} s");
        Assert.Equal([Active, Dead], await StatusesAsync(database, settings["Twins:ClusterId"]!));

        var persisted = await first.Services.GetRequiredService<TwinStore>().LoadAsync(asset, default);
        Assert.Equal(2.2, persisted!.Signals.Single(s => s.Signal == "bearing_vibration_x").Value);
        var view = await first.GetJsonAsync($"/api/twins/{asset}");
        Assert.Equal(2.4, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
        Assert.Contains(PortOf(first), await twin.SiloAsync());

        // Orleans' defunct-silo cleanup (hourly by default) removes the dead silo's row through Threadline's SQL, and only that row.
        await first.Services.GetRequiredService<IMembershipTable>().CleanupDefunctSiloEntriesAsync(TimeProvider.System.GetUtcNow().AddMinutes(1), CancellationToken.None);
        Assert.Equal([Active], await StatusesAsync(database, settings["Twins:ClusterId"]!));
    }

    [Fact]
    public async Task TwoServersOnOneDatabase_JoinOneClusterThroughTheMembershipTable()
    {
        var database = await databases.CreateAsync();
        var settings = Settings(database);
        await using var first = await StartServerAsync(settings);
        var asset = await RegisterPumpAsync(first);
        await using var second = await StartServerAsync(settings);

        var hosts = await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);
        Assert.Equal([Active, Active], await StatusesAsync(database, settings["Twins:ClusterId"]!));

        var onSecond = second.Services.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(asset);
        await onSecond.ApplyAsync(Readings(asset, ("speed", 1475), ("flow", 45), ("bearing_vibration_x", 2.2)));
        await onSecond.FlushAsync();

        // Asked from the first server, the call crosses to the silo that hosts the twin: one cluster, one activation.
        var fromFirst = first.Services.GetRequiredService<IGrainFactory>().GetGrain<ITwinGrain>(asset);
        Assert.Contains(PortOf(second), await fromFirst.SiloAsync());
        Assert.Equal(2.2, (await first.GetJsonAsync($"/api/twins/{asset}")).GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
    }

    [Fact]
    public async Task MembershipSchema_InstalledByServersStartingTogether_HoldsEveryQueryOnce()
    {
        var database = await databases.CreateAsync();
        var schema = new Clustering.PostgresMembershipSchema(new(database.ConnectionString),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Clustering.PostgresMembershipSchema>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => schema.InstallAsync(CancellationToken.None))));
        await schema.InstallAsync(CancellationToken.None);

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }
        Assert.Equal(Clustering.PostgresMembershipSchema.Queries.Keys.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
        Assert.Equal(10, keys.Count);
    }

    /// <summary>Waits on the silo's membership updates, not a poll, until the silo on <paramref name="port"/> is Dead in its view.</summary>
    private static async Task DeclaredDeadAsync(IClusterMembershipService membership, int port, TimeSpan bound)
    {
        bool Dead(ClusterMembershipSnapshot snapshot) => snapshot.Members.Values.Any(m => m.SiloAddress.Endpoint.Port == port && m.Status == SiloStatus.Dead);
        using var timeout = new CancellationTokenSource(bound);
        // Subscribed before the current view is checked, so a change between the two is not missed.
        await using var updates = membership.MembershipUpdates.GetAsyncEnumerator(timeout.Token);
        try
        {
            while (!Dead(membership.CurrentSnapshot) && await updates.MoveNextAsync() && !Dead(updates.Current))
            {
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"The first silo did not declare the crashed one (port {port}) dead within {bound.TotalSeconds} s.");
        }
    }

    /// <summary>
    /// A server on the system clock: Orleans runs heartbeats, probes and failure detection on the injected
    /// TimeProvider, and the test server's frozen fake clock would stop them.
    /// </summary>
    private static Task<ThreadlineTestServer> StartServerAsync(Dictionary<string, string?> settings) =>
        ThreadlineTestServer.StartAsync(settings, services => services.AddSingleton(TimeProvider.System));

    private static async Task<string> RegisterPumpAsync(ThreadlineTestServer server)
    {
        await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default);
        return (await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/assets",
            new { serial = "SN00420", item = DemoPumpFamily.Pump, shipDate = "2026-03-01" }))).GetProperty("assetId").GetString()!;
    }

    private static TwinReading[] Readings(string asset, params (string Signal, double Value)[] readings) => Readings(asset, ReadAt, readings);

    private static TwinReading[] Readings(string asset, DateTimeOffset at, params (string Signal, double Value)[] readings) =>
        [.. readings.Select(r => TwinReading.From(new TelemetryPoint(asset, r.Signal, at, r.Value, null, TelemetryQuality.Good, "test")))];

    private static string PortOf(ThreadlineTestServer server) =>
        server.Services.GetRequiredService<TwinRegistration.SiloEndpoint>().Address.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>The status of each silo in the membership table of a cluster, in Orleans' SiloStatus numbers, ascending.</summary>
    private static async Task<List<int>> StatusesAsync(PostgresDatabase database, string clusterId)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT status FROM orleans_membership WHERE deployment_id = @cluster ORDER BY status", connection);
        select.Parameters.AddWithValue("cluster", clusterId);
        await using var reader = await select.ExecuteReaderAsync();
        var statuses = new List<int>();
        while (await reader.ReadAsync())
        {
            statuses.Add(reader.GetInt32(0));
        }
        return statuses;
    }
}
