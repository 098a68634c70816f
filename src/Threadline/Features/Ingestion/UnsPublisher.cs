using MQTTnet;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Publishes Threadline's own messages (dead letters, quarantined payloads) on whichever broker is in use: the
/// embedded broker or the external one attaches itself as the transport when it starts.
/// </summary>
public sealed class UnsPublisher(ILogger<UnsPublisher> logger)
{
    private Func<MqttApplicationMessage, CancellationToken, Task>? _transport;

    internal void Attach(Func<MqttApplicationMessage, CancellationToken, Task>? transport) => Volatile.Write(ref _transport, transport);

    /// <summary>Publishes, or logs why it could not: a failed republish never fails the message it reports on.</summary>
    public async Task<bool> TryPublishAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var transport = Volatile.Read(ref _transport);
        if (transport is null)
        {
            logger.LogWarning("No broker attached; {Topic} was counted but not republished.", message.Topic);
            return false;
        }
        try
        {
            await transport(message, cancellationToken);
            return true;
        }
#pragma warning disable CA1031 // A broker hiccup on a report must not take the ingestion path down with it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "Republishing {Topic} failed; it was counted.", message.Topic);
            return false;
        }
    }
}
