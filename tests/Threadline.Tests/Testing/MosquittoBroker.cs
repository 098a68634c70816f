using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Threadline.Testing;

/// <summary>
/// A real Mosquitto broker on a free loopback port, started for a test class and stopped afterwards.
/// ./test.sh installs the Debian package; THREADLINE_TEST_MOSQUITTO may name another binary.
/// </summary>
public sealed class MosquittoBroker : IAsyncLifetime
{
    public const string EnvironmentVariable = "THREADLINE_TEST_MOSQUITTO";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("threadline-mosquitto-").FullName;
    private Process? _process;

    public int Port { get; private set; }

    public string Host => "127.0.0.1";

    /// <summary>What the broker printed, for a failure message.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_directory, "mosquitto.log");

    public async Task InitializeAsync()
    {
        var binary = Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "/usr/sbin/mosquitto";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException(
                $"Mosquitto is not installed at {binary}: run ./test.sh, which installs the Debian package, or set {EnvironmentVariable}.");
        }
        Port = Loopback.FreePort();
        var config = Path.Combine(_directory, "mosquitto.conf");
        // Running as root, Mosquitto would switch to the 'mosquitto' user and lose access to this folder.
        var user = Environment.UserName;
        await File.WriteAllTextAsync(config, $"""
            listener {Port} 127.0.0.1
            allow_anonymous true
            persistence false
            user {user}
            max_queued_messages 1000000
            max_inflight_messages 0
            log_dest file {LogPath}
            log_type error
            log_type warning
            log_type notice
            """);
        _process = Process.Start(new ProcessStartInfo(binary, ["-c", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start {binary}.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitUntilListeningAsync();
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the run over it is not.
        }
        return Task.CompletedTask;
    }

    private async Task WaitUntilListeningAsync()
    {
        await Loopback.WaitUntilListeningAsync(_process!, Port, StartTimeout, () => $"Mosquitto: {Log}");
    }
}
