using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The MQTT 3.1.1 and 5 broker inside the server (Mqtt:Mode = Embedded), MQTTnet's own TCP server run as a hosted
/// service. Every publish passes through <see cref="IngestionRouter"/> before the broker answers: MQTTnet awaits the
/// InterceptingPublish handler before it queues the PUBACK, so a QoS 1 publisher is acknowledged only once its points
/// are durable (on file in the intake journal, or stored, per Ingestion:AcknowledgeAfter). MQTTnet reads a
/// connection's next publish only after that, which is why the journal, a write to a file, is the default. Other
/// topics are brokered as usual.
/// </summary>
public sealed class EmbeddedBroker(
    IOptions<MqttOptions> options, IngestionRouter router, UnsPublisher publisher, TelemetryWriter writer, SparkplugIngestion sparkplug, ILogger<EmbeddedBroker> logger)
    : IHostedService, IDisposable
{
    /// <summary>Client id under which Threadline's own messages (dead letters) are injected.</summary>
    public const string ServerClientId = "threadline";

    private MqttServer? _server;

    /// <summary>The port the broker listens on (the chosen one when Mqtt:Port is 0); 0 when not running.</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mqtt = options.Value;
        if (!mqtt.IsEmbedded)
        {
            return;
        }
        var address = IPAddress.Parse(mqtt.BindAddress);
        var port = mqtt.Port == 0 ? FreePort(address) : mqtt.Port;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.InterceptingPublishAsync += OnPublishAsync;
        _server.ValidatingConnectionAsync += e =>
        {
            // MQTT 3.1.1 §3.1.3-6 and 5.0 §3.1.3.1: a client may leave its id empty (mosquitto_pub does) and the server
            // assigns one; a persistent session needs an id of the client's own, so that case is refused.
            if (string.IsNullOrEmpty(e.ClientId))
            {
                if (e.CleanSession != true)
                {
                    e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                    return Task.CompletedTask;
                }
                e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N");
            }
            return Task.CompletedTask;
        };
        _server.ClientDisconnectedAsync += e =>
        {
            writer.ForgetClient(e.ClientId);
            return Task.CompletedTask;
        };
        try
        {
            await _server.StartAsync();
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"The embedded MQTT broker cannot listen on {address}:{port} ({ex.Message}); set Mqtt:Port (flag --mqtt-port) to a free port.", ex);
        }
        Port = port;
        publisher.Attach((message, ct) => _server.InjectApplicationMessage(new InjectedMqttApplicationMessage(message) { SenderClientId = ServerClientId }, ct));
        logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", address, port);
        // Edge nodes that follow Sparkplug 3.0 wait for the Primary Host's retained STATE before they publish.
        await sparkplug.AnnounceAsync(online: true, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await sparkplug.AnnounceAsync(online: false, cancellationToken);
        }
        publisher.Attach(null);
        if (_server is not null)
        {
            await _server.StopAsync();
        }
        Port = 0;
    }

    public void Dispose() => _server?.Dispose();

    internal async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        var acknowledged = message.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce;
        try
        {
            var pending = await router.AcceptAsync(message.Topic, message.Payload, e.ClientId, acknowledged, e.CancellationToken);
            if (acknowledged)
            {
                await pending.Durable;
            }
        }
#pragma warning disable CA1031 // Any failure must withhold the acknowledgement, not crash the broker.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // MQTT 3.1.1 has no negative PUBACK, so the one honest answer is none: closing the connection makes the
            // client resend the message when it reconnects.
            logger.LogWarning(ex, "Publish on {Topic} from {Client} could not be ingested; closing the connection without acknowledging.", message.Topic, e.ClientId);
            e.CloseConnection = true;
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
