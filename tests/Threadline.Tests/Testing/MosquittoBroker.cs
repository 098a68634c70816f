using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Threadline.Testing;

/// <summary>
/// A real Mosquitto broker on a free loopback port, started for a test class and stopped afterwards.
/// ./test.sh installs the Debian package; THREADLINE_TEST_MOSQUITTO may name another binary. As a class fixture it
/// admits anyone; <see cref="StartSecuredAsync"/> starts one as a plant would run it: no anonymous clients, a password
/// file made with mosquitto_passwd, an ACL file and TLS.
/// </summary>
public sealed class MosquittoBroker : IAsyncLifetime, IAsyncDisposable
{
    public const string EnvironmentVariable = "THREADLINE_TEST_MOSQUITTO";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string _directory = Directory.CreateTempSubdirectory("threadline-mosquitto-").FullName;
    private Process? _process;
    private (IReadOnlyDictionary<string, string> Passwords, string Acl, TestCertificates? Tls)? _secured;

    public int Port { get; private set; }

    public string Host => "127.0.0.1";

    /// <summary>What the broker printed, for a failure message.</summary>
    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private string LogPath => Path.Combine(_directory, "mosquitto.log");

    /// <summary>A started Mosquitto with allow_anonymous false, these users, this ACL file and, when given, TLS with these certificates.</summary>
    public static async Task<MosquittoBroker> StartSecuredAsync(IReadOnlyDictionary<string, string> passwords, string acl, TestCertificates? tls = null)
    {
        var broker = new MosquittoBroker { _secured = (passwords, acl, tls) };
        await broker.InitializeAsync();
        return broker;
    }

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
            {await SecurityLinesAsync()}
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

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

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

    private async Task<string> SecurityLinesAsync()
    {
        if (_secured is not { } secured)
        {
            return "allow_anonymous true";
        }
        // The Debian package puts it beside the broker's clients, whatever THREADLINE_TEST_MOSQUITTO names.
        const string passwd = "/usr/bin/mosquitto_passwd";
        var passwords = Path.Combine(_directory, "passwd");
        var create = true;
        foreach (var (user, password) in secured.Passwords)
        {
            using var process = Process.Start(new ProcessStartInfo(passwd, create ? ["-c", "-b", passwords, user, password] : ["-b", passwords, user, password])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException($"Could not start {passwd}.");
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"mosquitto_passwd exited {process.ExitCode}: {errors}");
            }
            create = false;
        }
        var acl = Path.Combine(_directory, "acl");
        await File.WriteAllTextAsync(acl, secured.Acl);
        var lines = $"allow_anonymous false\npassword_file {passwords}\nacl_file {acl}";
        if (secured.Tls is { } tls)
        {
            lines += $"\ncafile {tls.CaPath}\ncertfile {tls.ServerCertificatePath}\nkeyfile {tls.ServerKeyPath}\nrequire_certificate false";
        }
        return lines;
    }

    private async Task WaitUntilListeningAsync()
    {
        await Loopback.WaitUntilListeningAsync(_process!, Port, StartTimeout, () => $"Mosquitto: {Log}");
    }
}
