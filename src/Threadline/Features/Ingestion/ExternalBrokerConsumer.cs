using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Threadline as an MQTT 5 client of an external broker (Mqtt:Mode = External): a persistent session (clean start
/// off, session expiry set) with shared subscriptions $share/{group}/{prefix}/# and $share/{group}/spBv1.0/# at QoS 1,
/// so several Threadline servers in one group split the stream. Each message is acknowledged only after its outcome
/// is durable, in the order received (MQTT 5 §4.6); a message not acknowledged is redelivered by the broker after a
/// reconnection. Reconnects after Mqtt:External:ReconnectDelayMilliseconds whenever the connection drops.
/// </summary>
public sealed class ExternalBrokerConsumer(
    IOptions<MqttOptions> options,
    IOptions<UnsOptions> uns,
    IngestionRouter router,
    UnsPublisher publisher,
    SparkplugIngestion sparkplug,
    TimeProvider time,
    ILogger<ExternalBrokerConsumer> logger) : BackgroundService
{
    private readonly Channel<(Task Durable, MqttApplicationMessageReceivedEventArgs Message)> _acks =
        Channel.CreateUnbounded<(Task, MqttApplicationMessageReceivedEventArgs)>(new UnboundedChannelOptions { SingleReader = true });
    private IMqttClient? _client;
    private TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connections;

    /// <summary>Successful connections so far (1 after the first, 2 after one reconnection...).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    public bool IsConnected => _client?.IsConnected ?? false;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var mqtt = options.Value;
        if (!mqtt.IsExternal)
        {
            return;
        }
        var external = mqtt.External;
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += e => OnMessageAsync(e, stoppingToken);
        client.DisconnectedAsync += _ =>
        {
            _disconnected.TrySetResult();
            return Task.CompletedTask;
        };
        publisher.Attach((message, ct) => client.PublishAsync(message, ct));
        var ackLoop = Task.Run(() => AcknowledgeInOrderAsync(stoppingToken), CancellationToken.None);
        var delay = TimeSpan.FromMilliseconds(external.ReconnectDelayMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await ConnectAndSubscribeAsync(client, external, stoppingToken);
                Interlocked.Increment(ref _connections);
                await _disconnected.Task.WaitAsync(stoppingToken);
                logger.LogWarning("Connection to MQTT broker {Host}:{Port} lost; reconnecting.", external.Host, external.Port);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A broker that is down now may be up on the next attempt.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "Cannot connect to MQTT broker {Host}:{Port}; retrying in {Delay}.", external.Host, external.Port, delay);
                if (client.IsConnected)
                {
                    // Connected but not subscribed: start over rather than sit on a connection that receives nothing.
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), CancellationToken.None);
                }
            }
            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        publisher.Attach(null);
        _acks.Writer.TryComplete();
        await ackLoop;
        if (client.IsConnected)
        {
            // MQTT 5 "disconnect with will message": the broker publishes our offline STATE (Sparkplug 3.0 §5.3)
            // itself, so shutdown never waits on a PUBACK from a broker that may already have dropped us.
            // Keep the session: the broker queues what arrives until this server is back.
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithSessionExpiryInterval(external.SessionExpirySeconds).WithReason(MqttClientDisconnectOptionsReason.DisconnectWithWillMessage).Build(), CancellationToken.None);
        }
    }

    private async Task ConnectAndSubscribeAsync(IMqttClient client, ExternalBrokerOptions external, CancellationToken ct)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(external.Host, external.Port)
            .WithClientId(external.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(external.SessionExpirySeconds);
        if (!string.IsNullOrEmpty(external.Username))
        {
            builder.WithCredentials(external.Username, external.Password);
        }
        if (external.UseTls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(external.Host).WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (external.CaCertificatePath is { } ca)
                {
                    // The plant's own CA, trusted for this connection only; brokers on an OT network rarely reach a CRL.
                    tls.WithTrustChain([X509CertificateLoader.LoadCertificateFromFile(ca)]).WithRevocationMode(X509RevocationMode.NoCheck);
                }
                if (external.ClientCertificatePath is { } certificate)
                {
                    tls.WithClientCertificates([Security.MqttCertificates.Load(certificate, external.ClientCertificateKeyPath, external.ClientCertificatePassword)]);
                }
            });
        }
        // Sparkplug 3.0 §5.3: the Primary Host's offline STATE is its will, retained at QoS 1, so edge nodes learn
        // of a crash from the broker; the online STATE follows once the subscriptions are in place.
        var state = sparkplug.Host.CreateStateMessages();
        builder.WithWillTopic(state.Offline.Topic).WithWillPayload(state.Offline.Payload.ToArray())
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithWillRetain(true);
        await client.ConnectAsync(builder.Build(), ct);
        var prefix = uns.Value.Prefix;
        var group = external.SharedGroup;
        // Subscribing again on a resumed session is harmless and covers a broker that lost it.
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"$share/{group}/{prefix}/#", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter($"$share/{group}/{SparkplugIngestion.TopicPrefix}#", MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await client.SubscribeAsync(subscribe, ct);
        await client.PublishAsync(SparkplugIngestion.ToMqtt(state.Online), ct);
        logger.LogInformation("Subscribed to {Host}:{Port} as {ClientId} in shared group {Group}.", external.Host, external.Port, external.ClientId, group);
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e, CancellationToken ct)
    {
        var message = e.ApplicationMessage;
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce)
        {
            await router.AcceptAsync(message.Topic, message.Payload, e.ClientId, trackDurability: false, ct);
            return;
        }
        e.AutoAcknowledge = false;
        Task durable;
        try
        {
            // The handler returns once the point is queued, so the next message is decoded while this one is being
            // stored; the acknowledgement follows in AcknowledgeInOrderAsync.
            durable = (await router.AcceptAsync(message.Topic, message.Payload, e.ClientId, trackDurability: true, ct)).Durable;
        }
#pragma warning disable CA1031 // Withheld acknowledgement: the broker redelivers after the reconnection below.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            durable = Task.FromException(ex);
        }
        await _acks.Writer.WriteAsync((durable, e), ct);
    }

    private async Task AcknowledgeInOrderAsync(CancellationToken ct)
    {
        await foreach (var (durable, message) in _acks.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await durable;
                await message.AcknowledgeAsync(ct);
            }
#pragma warning disable CA1031 // Not acknowledging is the answer; the loop must go on for the messages behind it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "Message on {Topic} not acknowledged; dropping the connection so the broker redelivers it.", message.ApplicationMessage.Topic);
                if (_client is { IsConnected: true } client)
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.UnspecifiedError).Build(), CancellationToken.None);
                }
            }
        }
    }
}
