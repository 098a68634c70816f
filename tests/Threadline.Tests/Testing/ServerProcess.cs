using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Xunit.Abstractions;

namespace Threadline.Testing;

/// <summary>
/// `threadline serve` as a real child process (threadline.dll is copied beside the test assembly), configured by
/// THREADLINE__ environment variables, so it can die the way a server dies: killed, with no shutdown at all.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    /// <summary>Polls a condition of real processes (a server starting, cluster membership converging on its own timers) until it holds or the bound passes.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan bound, string what)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, $"Timed out after {bound.TotalSeconds} s waiting for {what}.");
            await Task.Delay(100);
        }
    }

    private readonly Process _process;
    private readonly string? _ownData;
    private readonly List<string> _log = [];
    private readonly HttpClient _http;
    private readonly ITestOutputHelper? _output;

    private ServerProcess(Process process, string? ownData, int httpPort, int siloPort, int mqttPort, ITestOutputHelper? output)
    {
        _process = process;
        _output = output;
        _ownData = ownData;
        SiloPort = siloPort;
        MqttPort = mqttPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}") };
    }

    public int SiloPort { get; }

    public int MqttPort { get; }

    /// <summary>
    /// Starts the server on <paramref name="data"/> (left in place afterwards), or on a fresh data folder of its own
    /// (deleted at dispose), and returns once it answers /health. Its log goes to <paramref name="output"/> at dispose.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, ITestOutputHelper? output, string? data = null)
    {
        var ownData = data is null ? Directory.CreateTempSubdirectory("threadline-node-").FullName : null;
        data ??= ownData!;
        var (httpPort, siloPort, gatewayPort, mqttPort) = (Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort(), Loopback.FreePort());
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "threadline.dll"), "serve",
            "--urls", $"http://127.0.0.1:{httpPort}", "--data", data, "--mqtt-port", mqttPort.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        var environment = new Dictionary<string, string?>(settings)
        {
            ["Twins:SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture), ["Twins:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Logging:Format"] = "text", ["Logging:LogLevel:Default"] = "Warning",
            ["Security:BootstrapAdminPassword"] = ThreadlineTestServer.AdminPassword,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment["THREADLINE__" + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerProcess(process, ownData, httpPort, siloPort, mqttPort, output);
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
            if (!(await _http.GetAsync("/health/live")).IsSuccessStatusCode)
            {
                return false;
            }
            var login = await _http.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = ThreadlineTestServer.AdminPassword });
            if (!login.IsSuccessStatusCode)
            {
                return false;
            }
            var token = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString();
            _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
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
        _output?.WriteLine(Log);
        _process.Dispose();
        _http.Dispose();
        if (_ownData is not null)
        {
            Directory.Delete(_ownData, recursive: true);
        }
    }

}
