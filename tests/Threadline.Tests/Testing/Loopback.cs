using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Threadline.Testing;

/// <summary>Ports on 127.0.0.1 for the real processes tests start (Mosquitto, a threadline server).</summary>
public static class Loopback
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until <paramref name="process"/> accepts connections on <paramref name="port"/>. A real process starts in
    /// its own time and says nothing when it is ready, so its port is polled, with a bound, rather than a delay guessed.
    /// </summary>
    public static async Task WaitUntilListeningAsync(Process process, int port, TimeSpan timeout, Func<string> describe)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with code {process.ExitCode}: {describe()}");
            }
            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new TimeoutException($"Nothing listened on {port} within {timeout.TotalSeconds} s: {describe()}");
    }
}
