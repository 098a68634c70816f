using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Threadline.Features.Ingestion.Security;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The MQTT 3.1.1 and 5 broker inside the server (Mqtt:Mode = Embedded), MQTTnet's own TCP server run as a hosted
/// service. Every publish passes through <see cref="IngestionRouter"/> before the broker answers: MQTTnet awaits the
/// InterceptingPublish handler before it queues the PUBACK, so a QoS 1 publisher is acknowledged only once its points
/// are durable (on file in the intake journal, or stored, per Ingestion:AcknowledgeAfter). MQTTnet reads a
/// connection's next publish only after that, which is why the journal, a write to a file, is the default. Other
/// topics are brokered as usual. Before any of that, <see cref="BrokerSecurity"/> decides who may connect and what each
/// connection may publish and subscribe (docs/security.md).
/// </summary>
public sealed class EmbeddedBroker(
    IOptions<MqttOptions> options,
    IngestionRouter router,
    UnsPublisher publisher,
    TelemetryWriter writer,
    SparkplugIngestion sparkplug,
    BrokerSecurity security,
    DeviceCredentials credentials,
    ILogger<EmbeddedBroker> logger)
    : IHostedService, IDisposable
{
    /// <summary>Client id under which Threadline's own messages (dead letters) are injected.</summary>
    public const string ServerClientId = "threadline";

    private MqttServer? _server;

    /// <summary>The port the broker listens on (the chosen one when Mqtt:Port is 0); 0 when not running or plain MQTT is off.</summary>
    public int Port { get; private set; }

    /// <summary>The port of MQTT over TLS (the chosen one when Mqtt:Tls:Port is 0); 0 when not running or TLS is off.</summary>
    public int TlsPort { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var mqtt = options.Value;
        if (!mqtt.IsEmbedded)
        {
            return;
        }
        var address = IPAddress.Parse(mqtt.BindAddress);
        // MQTTnet listens on IPv4 and IPv6 "any" unless told otherwise: the family not configured is switched off,
        // so the broker is reachable exactly where Mqtt:BindAddress says.
        var v4 = address.AddressFamily == AddressFamily.InterNetwork ? address : IPAddress.None;
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6 ? address : IPAddress.None;
        var port = mqtt.PlainEnabled ? (mqtt.Port == 0 ? FreePort(address) : mqtt.Port) : 0;
        var tlsPort = mqtt.Tls.Enabled ? (mqtt.Tls.Port == 0 ? FreePort(address) : mqtt.Tls.Port) : 0;
        var builder = new MqttServerOptionsBuilder();
        if (mqtt.PlainEnabled)
        {
            builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(v4).WithDefaultEndpointBoundIPV6Address(v6).WithDefaultEndpointPort(port);
        }
        else
        {
            builder.WithoutDefaultEndpoint();
        }
        if (mqtt.Tls.Enabled)
        {
            var tls = mqtt.Tls;
            builder.WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(v4).WithEncryptedEndpointBoundIPV6Address(v6).WithEncryptedEndpointPort(tlsPort)
                .WithEncryptionCertificate(MqttCertificates.Load(tls.CertificatePath!, tls.CertificateKeyPath, tls.CertificatePassword))
                .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13);
            if (tls.ClientCaPath is { } caPath)
            {
                builder.WithClientCertificate(MqttCertificates.TrustedBy(X509CertificateLoader.LoadCertificateFromFile(caPath)));
            }
        }
        _server = new MqttServerFactory().CreateMqttServer(builder.Build());
        var server = _server;
        server.InterceptingPublishAsync += OnPublishAsync;
        server.InterceptingSubscriptionAsync += e =>
        {
            security.CheckSubscription(e);
            return Task.CompletedTask;
        };
        server.ValidatingConnectionAsync += e => security.ValidateConnectionAsync(e, id => SessionPrincipalAsync(server, id));
        server.ClientDisconnectedAsync += e =>
        {
            writer.ForgetClient(e.ClientId);
            return Task.CompletedTask;
        };
        credentials.Withdrawn += DisconnectSessionsOfAsync;
        security.WarnIfAnonymous();
        try
        {
            await server.StartAsync();
        }
        catch (SocketException ex)
        {
            throw new InvalidOperationException($"The embedded MQTT broker cannot listen on {address}:{(mqtt.PlainEnabled ? port : tlsPort)} ({ex.Message}); set Mqtt:Port (flag --mqtt-port) or Mqtt:Tls:Port to a free port.", ex);
        }
        Port = port;
        TlsPort = tlsPort;
        publisher.Attach((message, ct) => server.InjectApplicationMessage(
            new InjectedMqttApplicationMessage(message) { SenderClientId = ServerClientId, CustomSessionItems = security.ServerSessionItems }, ct));
        if (mqtt.PlainEnabled)
        {
            logger.LogInformation("Embedded MQTT broker listening on {Address}:{Port}", address, port);
        }
        if (mqtt.Tls.Enabled)
        {
            logger.LogInformation("Embedded MQTT broker listening with TLS on {Address}:{Port}", address, tlsPort);
        }
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
        credentials.Withdrawn -= DisconnectSessionsOfAsync;
        if (_server is not null)
        {
            await _server.StopAsync();
        }
        Port = 0;
        TlsPort = 0;
    }

    public void Dispose() => _server?.Dispose();

    internal async Task OnPublishAsync(InterceptingPublishEventArgs e)
    {
        if (security.RefusePublish(e))
        {
            return;
        }
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

    /// <summary>Closes every connection that authenticated as <paramref name="username"/> (its credential was revoked or replaced).</summary>
    private async Task DisconnectSessionsOfAsync(string username)
    {
        if (_server is not { IsStarted: true } server)
        {
            return;
        }
        foreach (var client in await server.GetClientsAsync())
        {
            if (BrokerSecurity.PrincipalOf(client.Session.Items)?.Name == username)
            {
                logger.LogInformation("Disconnecting MQTT client {Client}: the credential {Username} was withdrawn.", client.Id, username);
                await client.DisconnectAsync(new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
            }
        }
    }

    private static async Task<MqttPrincipal?> SessionPrincipalAsync(MqttServer server, string clientId)
    {
        try
        {
            return BrokerSecurity.PrincipalOf((await server.GetSessionAsync(clientId)).Items);
        }
        catch (InvalidOperationException)
        {
            // MQTTnet's way of saying there is no session under this id.
            return null;
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
