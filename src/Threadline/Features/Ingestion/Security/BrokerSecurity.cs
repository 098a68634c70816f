using System.Collections;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Threadline.Features.Ingestion.Security;

/// <summary>
/// The embedded broker's gate: who may connect (device credential, client certificate, Threadline's own per-start
/// credential, or nobody at all only with Mqtt:AllowAnonymous), and what each connection may publish and subscribe
/// (<see cref="TopicAcl"/>), at what rate. What it decides about a connection lives in the MQTT session's items,
/// which MQTTnet hands to every publish, subscription and will of that session.
/// </summary>
public sealed class BrokerSecurity(
    IOptions<MqttOptions> options,
    IOptions<UnsOptions> uns,
    IOptions<SparkplugOptions> sparkplug,
    DeviceCredentials credentials,
    ServerCredential server,
    IngestionCounters counters,
    TimeProvider time,
    ILogger<BrokerSecurity> logger)
{
    private const string GuardKey = "threadline.guard";

    // MQTTnet 5 assigns an id to an MQTT 5 client that sent none, but refuses an MQTT 3.1.1 one, although 3.1.1
    // §3.1.3-6 lets the server assign one to a clean session (Mosquitto does; mosquitto_pub relies on it). The id is
    // set on the CONNECT packet the event wraps, the one place MQTTnet reads it from after the handler
    // (MqttClientSessionsManager.ValidateConnection).
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Session items for the messages Threadline injects itself (dead letters, twins, Sparkplug commands).</summary>
    internal IDictionary ServerSessionItems { get; } = new Hashtable { [GuardKey] = new ClientGuard(MqttPrincipal.Server, null) };

    internal async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e, Func<string, Task<MqttPrincipal?>> sessionPrincipal)
    {
        var clientId = e.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            // MQTT 3.1.1 §3.1.3-7 and 5.0 §3.1.3.1: a persistent session needs an id of the client's own.
            if (e.CleanSession != true)
            {
                e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
                return;
            }
            clientId = "auto-" + Guid.NewGuid().ToString("N");
            e.AssignedClientIdentifier = clientId;
            if (e.ProtocolVersion != MQTTnet.Formatter.MqttProtocolVersion.V500 && ConnectPacketField?.GetValue(e) is MqttConnectPacket packet)
            {
                packet.ClientId = clientId;
            }
        }
        var principal = await AuthenticateAsync(e);
        if (principal is null)
        {
            logger.LogWarning("MQTT connection of client {Client} from {Endpoint} refused: {Reason}.", clientId, e.RemoteEndPoint,
                string.IsNullOrEmpty(e.UserName) && e.ClientCertificate is null ? "no credential (anonymous MQTT is off)" : "unknown credential");
            e.ReasonCode = string.IsNullOrEmpty(e.UserName) && e.ClientCertificate is null ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
            return;
        }
        if (principal.Kind != MqttPrincipalKind.Server && clientId == EmbeddedBroker.ServerClientId)
        {
            e.ReasonCode = MqttConnectReasonCode.ClientIdentifierNotValid;
            e.ReasonString = $"client id '{EmbeddedBroker.ServerClientId}' is Threadline's own";
            return;
        }
        if (await sessionPrincipal(clientId) is { } holder && holder.Name != principal.Name)
        {
            // Taking over the session would close another device's connection and hand its queued messages over.
            logger.LogWarning("MQTT connection of client {Client} refused: the id belongs to the session of {Holder}, not {Principal}.", clientId, holder.Name, principal.Name);
            e.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            return;
        }
        var mqtt = options.Value;
        var limiter = mqtt.PublishRatePerSecond > 0 && principal.Kind != MqttPrincipalKind.Server
            ? new PublishRateLimiter(time, mqtt.PublishRatePerSecond, mqtt.PublishBurst)
            : null;
        e.SessionItems[GuardKey] = new ClientGuard(principal, limiter);
    }

    /// <summary>The principal recorded in a session's items, or null for a session this gate did not admit.</summary>
    internal static MqttPrincipal? PrincipalOf(IDictionary? items) => (items?[GuardKey] as ClientGuard)?.Principal;

    /// <summary>Refuses a publish the connection may not make; true when it was refused (and must not be ingested).</summary>
    internal bool RefusePublish(InterceptingPublishEventArgs e)
    {
        var guard = e.SessionItems?[GuardKey] as ClientGuard;
        var reason = guard is null
            ? RefusalReasons.TopicNotOwned
            : TopicAcl.RefusePublish(guard.Principal, e.ApplicationMessage.Topic, uns.Value.Prefix);
        if (reason is null && guard?.Limiter is { } limiter && !limiter.TryTake())
        {
            // Not a violation: a chatty device is slowed, not cut off.
            counters.Refused(RefusalReasons.RateLimited);
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.QuotaExceeded;
            return true;
        }
        if (reason is null)
        {
            return false;
        }
        counters.Refused(reason);
        e.ProcessPublish = false;
        // MQTT 5 §3.4.2.1: the PUBACK says the message was not accepted; MQTT 3.1.1 has no negative PUBACK, so there
        // MQTTnet acknowledges and the message is dropped all the same.
        e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
        logger.LogWarning("Publish on {Topic} from client {Client} ({Principal}) refused: {Reason}.", e.ApplicationMessage.Topic, e.ClientId, guard?.Principal.Name ?? "unauthenticated", reason);
        e.CloseConnection = Violated(guard, e.ClientId);
        return true;
    }

    internal void CheckSubscription(InterceptingSubscriptionEventArgs e)
    {
        var guard = e.SessionItems?[GuardKey] as ClientGuard;
        if (guard is not null && TopicAcl.MaySubscribe(guard.Principal, e.TopicFilter.Topic, sparkplug.Value.HostId))
        {
            return;
        }
        counters.Refused(RefusalReasons.SubscribeNotAllowed);
        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        logger.LogWarning("Subscription to {Filter} from client {Client} ({Principal}) refused: {Reason}.", e.TopicFilter.Topic, e.ClientId, guard?.Principal.Name ?? "unauthenticated", RefusalReasons.SubscribeNotAllowed);
        e.CloseConnection = Violated(guard, e.ClientId);
    }

    /// <summary>Logs, once per start, that the broker admits anyone.</summary>
    internal void WarnIfAnonymous()
    {
        if (options.Value.AllowAnonymous)
        {
            logger.LogWarning("Mqtt:AllowAnonymous is true: the embedded broker accepts clients without a credential, with Threadline's own rights on every topic.");
        }
    }

    private bool Violated(ClientGuard? guard, string clientId)
    {
        var count = guard is null ? int.MaxValue : Interlocked.Increment(ref guard.Violations);
        if (count < options.Value.MaxViolations)
        {
            return false;
        }
        logger.LogWarning("Closing the connection of client {Client} after {Count} refused operations (Mqtt:MaxViolations).", clientId, count);
        return true;
    }

    private async ValueTask<MqttPrincipal?> AuthenticateAsync(ValidatingConnectionEventArgs e)
    {
        if (server.Matches(e.UserName, e.RawPassword))
        {
            return MqttPrincipal.Server;
        }
        if (e.ClientCertificate is { } certificate)
        {
            // The chain was checked against Mqtt:Tls:ClientCaPath during the TLS handshake; the subject names the device.
            return await credentials.ForCertificateAsync(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false), e.CancellationToken);
        }
        if (!string.IsNullOrEmpty(e.UserName))
        {
            return await credentials.AuthenticateAsync(e.UserName, e.RawPassword, e.CancellationToken);
        }
        return options.Value.AllowAnonymous ? MqttPrincipal.Anonymous : null;
    }

    private sealed class ClientGuard(MqttPrincipal principal, PublishRateLimiter? limiter)
    {
        public int Violations;

        public MqttPrincipal Principal { get; } = principal;

        public PublishRateLimiter? Limiter { get; } = limiter;
    }
}
