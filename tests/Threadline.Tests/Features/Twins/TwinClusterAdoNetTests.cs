using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
    private static readonly DateTimeOffset ReadAt = new(2026, 11, 23, 7, 0, 0, TimeSpan.Zero);
    private const int Active = (int)SiloStatus.Active;
    private const int Dead = (int)SiloStatus.Dead;

    private static Dictionary<string, string?> Settings(PostgresDatabase database) => new()
    {
        ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = database.ConnectionString, ["Telemetry:Store"] = "Postgres",
        ["Twins:Enabled"] = "true", ["Twins:Clustering"] = "AdoNet", ["Twins:ClusterId"] = "test-" + Guid.NewGuid().ToString("N")[..8],
        // Failure detection in about a second rather than about 15 s with Orleans' defaults: probe every second, suspect after 2 misses.
        ["Twins:Membership:ProbeTimeout"] = "00:00:01", ["Twins:Membership:NumMissedProbesLimit"] = "2",
        ["Twins:Membership:TableRefreshTimeout"] = "00:00:02", ["Twins:Membership:IAmAliveTablePublishTimeout"] = "00:00:02",
    };

    [Fact]
    public async Task HostingSiloCrashes_TwinComesBackOnTheOtherWithItsPersistedState()
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

        var killedAt = Stopwatch.GetTimestamp();
        second.Crash();
        // The first silo's own view of the cluster, not a grain call: the management grain may have lived on the crashed silo.
        var membership = first.Services.GetRequiredService<IClusterMembershipService>();
        await Eventually(() => Task.FromResult(membership.CurrentSnapshot.Members.Values.Any(m => m.SiloAddress.Endpoint.Port == second.SiloPort && m.Status == SiloStatus.Dead)),
            TimeSpan.FromSeconds(60), "the first silo to declare the crashed one dead");
        output.WriteLine($"Crashed silo declared dead after {Stopwatch.GetElapsedTime(killedAt).TotalSeconds:F1} s");
        Assert.Equal([Active, Dead], await StatusesAsync(database, settings["Twins:ClusterId"]!));

        var view = await first.GetJsonAsync($"/api/twins/{asset}");
        Assert.Equal(2.2, view.GetProperty("state").GetProperty("bearing_vibration_x").GetDouble());
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

    private static TwinReading[] Readings(string asset, params (string Signal, double Value)[] readings) =>
        [.. readings.Select(r => TwinReading.From(new TelemetryPoint(asset, r.Signal, ReadAt, r.Value, null, TelemetryQuality.Good, "test")))];

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

    /// <summary>Polls a condition of the cluster (membership converges on its own timers) until it holds or the bound passes.</summary>
    private static async Task Eventually(Func<Task<bool>> condition, TimeSpan bound, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, $"Timed out after {bound.TotalSeconds} s waiting for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// `threadline serve` as a real child process (threadline.dll is copied beside the test assembly), configured by
    /// THREADLINE__ environment variables, so it can die the way a server dies: killed, with no shutdown at all.
    /// </summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly string _data;
        private readonly List<string> _log = [];
        private readonly HttpClient _http;
        private readonly ITestOutputHelper _output;

        private ServerProcess(Process process, string data, int httpPort, int siloPort, ITestOutputHelper output)
        {
            _process = process;
            _output = output;
            _data = data;
            SiloPort = siloPort;
            _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
        }

        public int SiloPort { get; }

        public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, ITestOutputHelper output)
        {
            var data = Directory.CreateTempSubdirectory("threadline-node-").FullName;
            var (httpPort, siloPort, gatewayPort) = (FreePort(), FreePort(), FreePort());
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "threadline.dll"), "serve",
                "--urls", $"http://127.0.0.1:{httpPort}", "--data", data, "--mqtt-port", "0" })
            {
                start.ArgumentList.Add(argument);
            }
            var environment = new Dictionary<string, string?>(settings)
            {
                ["Twins:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture), ["Twins:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
                ["Logging:Format"] = "text", ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var (key, value) in environment)
            {
                start.Environment["THREADLINE__" + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()] = value;
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            var server = new ServerProcess(process, data, httpPort, siloPort, output);
            process.OutputDataReceived += (_, line) => server.Keep(line.Data);
            process.ErrorDataReceived += (_, line) => server.Keep(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await Eventually(server.ReadyAsync, TimeSpan.FromSeconds(90), "the server process to answer /health");
            return server;
        }

        public async Task<string> GetAsync(string url)
        {
            var response = await _http.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET {url} on the server process answered {(int)response.StatusCode}: {text}");
            return text;
        }

        /// <summary>Kills the process and its children: no graceful shutdown, no deactivation, no goodbye to the cluster.</summary>
        public void Crash()
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        private async Task<bool> ReadyAsync()
        {
            Assert.False(_process.HasExited, $"The server process exited with code {(_process.HasExited ? _process.ExitCode : 0)}:\n{Log}");
            try
            {
                return (await _http.GetAsync("/health")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        private string Log
        {
            get
            {
                lock (_log)
                {
                    return string.Join('\n', _log);
                }
            }
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_log)
            {
                _log.Add(line);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            // Its log goes to the test's output, read when the test fails.
            _output.WriteLine(Log);
            _process.Dispose();
            _http.Dispose();
            Directory.Delete(_data, recursive: true);
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
