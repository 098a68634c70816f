using System.Buffers;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Threadline.Events;
using Threadline.Features.Assets;
using Threadline.Sparkplug;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>What became of one message.</summary>
public enum IngestOutcome
{
    /// <summary>Not ours: outside the namespace, or in its reserved folders (_deadletter, _quarantine).</summary>
    Ignored,
    Queued,
    Ephemeral,
    LifecycleEvent,
    Duplicate,
    DeadLettered,
    Quarantined,
}

/// <summary>
/// The outcome of accepting a message, and a task that completes when that outcome is durable: for a queued point,
/// when the store has it; for anything else it is already complete. A QoS 1 acknowledgement waits on it.
/// </summary>
public readonly record struct PendingIngest(IngestOutcome Outcome, Task Durable)
{
    public static PendingIngest Done(IngestOutcome outcome) => new(outcome, Task.CompletedTask);
}

/// <summary>
/// The ingestion path for one message: decode, map to an asset through the installed base, apply the telemetry
/// taxonomy and the design limits, then queue for the store. Bad input is dead-lettered and unknown sources are
/// quarantined; nothing is dropped without being counted and republished.
/// </summary>
public sealed class IngestionPipeline
{
    public const string ReservedFolderDeadLetter = "_deadletter";
    public const string ReservedFolderQuarantine = "_quarantine";

    private readonly AssetCache _assets;
    private readonly IAssetEventLog _events;
    private readonly TelemetryWriter _writer;
    private readonly UnsPublisher _publisher;
    private readonly IngestionCounters _counters;
    private readonly IngestQuarantine _quarantine;
    private readonly LatestValues _latest;
    private readonly TimeProvider _time;
    private readonly UnsOptions _uns;
    private readonly SeqDeduplicator _dedup;
    private readonly LimitMonitor _limits;
    private readonly ITelemetryObserver[] _observers;
    private readonly int _maxPayloadBytes;

    public IngestionPipeline(
        IAssetLookup lookup,
        IAssetEventLog events,
        TelemetryWriter writer,
        UnsPublisher publisher,
        IngestionCounters counters,
        IngestQuarantine quarantine,
        LatestValues latest,
        TimeProvider time,
        IOptions<UnsOptions> uns,
        IOptions<MqttOptions> mqtt,
        IOptions<IngestionOptions> options,
        IEnumerable<ITelemetryObserver> observers,
        IEnumerable<ILimitJudge> limitJudges)
    {
        _observers = [.. observers];
        _limits = new LimitMonitor([.. limitJudges]);
        _maxPayloadBytes = mqtt.Value.MaxPayloadBytes;
        _assets = new AssetCache(lookup, time, TimeSpan.FromSeconds(options.Value.AssetCacheSeconds));
        _events = events;
        _writer = writer;
        _publisher = publisher;
        _counters = counters;
        _quarantine = quarantine;
        _latest = latest;
        _time = time;
        _uns = uns.Value;
        _dedup = new SeqDeduplicator(options.Value.DedupWindow);
        // A point that was not stored must not be taken for a duplicate when its publisher resends it.
        _writer.AppendFailed += points =>
        {
            foreach (var p in points)
            {
                if (p.Seq is { } s)
                {
                    _dedup.Forget(p.Source, s);
                }
            }
        };
    }

    public string Prefix => _uns.Prefix;

    /// <summary>Accepts one message published on a UNS topic ({prefix}/.../{assetId}/{signal}).</summary>
    public async ValueTask<PendingIngest> AcceptAsync(string topic, ReadOnlySequence<byte> payload, string clientId, bool trackDurability, CancellationToken ct)
    {
        if (!UnsTopic.TryParse(topic, _uns.Prefix, out var uns, out var topicReason))
        {
            return topicReason is null
                ? PendingIngest.Done(IngestOutcome.Ignored)
                : await DeadLetterAsync(topicReason, topic, payload, clientId, "a UNS topic ends in {assetId}/{signal}", ct);
        }
        if (!UnsPayloadDecoder.TryDecode(payload, out var m, out var reason, out var detail))
        {
            return await DeadLetterAsync(reason!, topic, payload, clientId, detail, ct);
        }
        if (m.Name is not null && !string.Equals(m.Name, uns.Signal, StringComparison.Ordinal))
        {
            // The topic is what subscribers select on; storing under either name would be a guess, so neither is.
            return await DeadLetterAsync(DeadLetterReasons.SignalMismatch, topic, payload, clientId,
                $"measurement.name '{m.Name}' differs from the topic's signal '{uns.Signal}'", ct);
        }
        var binding = await _assets.ByAssetIdAsync(uns.AssetId, ct);
        if (binding is null || binding.EndOfLife)
        {
            return await QuarantineAsync("asset", uns.AssetId, binding is null ? IngestQuarantine.UnknownAsset : IngestQuarantine.EndOfLife, topic, payload, ct);
        }
        var now = _time.GetUtcNow();
        var point = new TelemetryPoint(
            binding.AssetId, uns.Signal, m.Timestamp ?? now, m.Value, m.Unit, m.Quality,
            string.IsNullOrEmpty(m.DeviceId) ? clientId : m.DeviceId, m.Seq, StampedOnArrival: m.Timestamp is null);
        return await AcceptPointAsync(binding, point, clientId, trackDurability, ct);
    }

    /// <summary>Resolves a device's IoT id to its asset (cached briefly); the Sparkplug host maps devices through this.</summary>
    public ValueTask<AssetBinding?> FindDeviceAsync(string iotDeviceId, CancellationToken ct) => _assets.ByDeviceIdAsync(iotDeviceId, ct);

    /// <summary>
    /// The shared tail of every payload format: dedup by source and seq, latest value, taxonomy, design limits, store.
    /// <paramref name="point"/> must already carry the asset's id; <paramref name="clientId"/> is the MQTT client
    /// whose queue share it uses.
    /// </summary>
    public async ValueTask<PendingIngest> AcceptPointAsync(AssetBinding binding, TelemetryPoint point, string clientId, bool trackDurability, CancellationToken ct)
    {
        if (point.Seq is { } seq && !_dedup.FirstSighting(point.Source, seq))
        {
            _counters.Duplicate();
            return PendingIngest.Done(IngestOutcome.Duplicate);
        }
        _latest.Offer(point, _time.GetUtcNow());
        foreach (var observer in _observers)
        {
            observer.Observe(binding, point);
        }
        switch (_uns.ClassOf(point.Signal))
        {
            case SignalClass.Ephemeral:
                _counters.Ephemeral();
                return PendingIngest.Done(IngestOutcome.Ephemeral);
            case SignalClass.LifecycleEvent:
                await _events.AppendAsync(
                    [AssetEvent.Signal(binding.AssetId, point.Timestamp, binding.Item, binding.Revision, binding.SitePath,
                        new SignalEventPayload(point.Signal, point.Value, point.Unit, point.Source))],
                    ct);
                _counters.LifecycleEvents(1);
                return PendingIngest.Done(IngestOutcome.LifecycleEvent);
        }
        if (_limits.Evaluate(binding, point) is { } crossings)
        {
            // Written before the point is queued: a crossing is rare, and once the publisher is acknowledged the
            // event must not be the part that a crash loses.
            await _events.AppendAsync(crossings, ct);
            foreach (var crossing in crossings)
            {
                if (crossing.Kind == AssetEventKind.AlertRaised)
                {
                    _counters.LimitCrossing();
                }
            }
            _counters.LifecycleEvents(crossings.Count);
        }
        var durable = await _writer.EnqueueAsync(point, clientId, trackDurability, ct);
        return new PendingIngest(IngestOutcome.Queued, durable);
    }

    /// <summary>Writes one event on an asset's record (Sparkplug presence, for example) and counts it.</summary>
    public async Task RecordEventAsync(AssetEvent e, CancellationToken ct)
    {
        await _events.AppendAsync([e], ct);
        _counters.LifecycleEvents(1);
    }

    /// <summary>
    /// Counts a bad message and republishes it, payload and original topic kept, on
    /// {prefix}/_deadletter/{reason}/{original topic}, with the reason, detail and original topic also as MQTT 5 user
    /// properties. A payload over Mqtt:MaxPayloadBytes is cut to that size (user property "truncated").
    /// </summary>
    public async ValueTask<PendingIngest> DeadLetterAsync(string reason, string topic, ReadOnlySequence<byte> payload, string clientId, string? detail, CancellationToken ct)
    {
        _counters.DeadLettered(reason);
        var maxPayloadBytes = _maxPayloadBytes;
        var truncated = payload.Length > maxPayloadBytes;
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic($"{_uns.Prefix}/{ReservedFolderDeadLetter}/{reason}/{topic}")
            .WithPayload(truncated ? payload.Slice(0, maxPayloadBytes).ToArray() : payload.ToArray())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty("reason", Utf8(reason))
            .WithUserProperty("original-topic", Utf8(topic))
            .WithUserProperty("client-id", Utf8(clientId));
        if (detail is not null)
        {
            builder.WithUserProperty("detail", Utf8(detail));
        }
        if (truncated)
        {
            builder.WithUserProperty("truncated", Utf8("true")).WithUserProperty("original-size", Utf8(payload.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        await _publisher.TryPublishAsync(builder.Build(), ct);
        return PendingIngest.Done(IngestOutcome.DeadLettered);
    }

    /// <summary>
    /// Holds a message from a source the installed base does not know: listed in the quarantine (with a payload
    /// sample) and republished whole on {prefix}/_quarantine/{original topic}, so it can be replayed once the asset
    /// or device is registered.
    /// </summary>
    public async ValueTask<PendingIngest> QuarantineAsync(string kind, string id, string reason, string topic, ReadOnlySequence<byte> payload, CancellationToken ct)
    {
        var bytes = payload.ToArray();
        _quarantine.Record(kind, id, reason, topic, bytes, _time.GetUtcNow());
        _counters.Quarantined();
        var message = new MqttApplicationMessageBuilder()
            .WithTopic($"{_uns.Prefix}/{ReservedFolderQuarantine}/{topic}")
            .WithPayload(bytes)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithUserProperty("reason", Utf8(reason))
            .WithUserProperty("original-topic", Utf8(topic))
            .WithUserProperty(kind + "-id", Utf8(id))
            .Build();
        await _publisher.TryPublishAsync(message, ct);
        return PendingIngest.Done(IngestOutcome.Quarantined);
    }

    private static ReadOnlyMemory<byte> Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}

/// <summary>
/// The single entry for every message a broker hands over: size check, then Sparkplug B (spBv1.0/...) or the JSON UNS.
/// </summary>
public sealed class IngestionRouter(IngestionPipeline pipeline, SparkplugIngestion sparkplug, TelemetryWriter writer, IOptions<MqttOptions> mqtt)
{
    private readonly int _maxPayload = mqtt.Value.MaxPayloadBytes;

    public ValueTask<PendingIngest> AcceptAsync(string topic, ReadOnlySequence<byte> payload, string clientId, bool trackDurability, CancellationToken ct)
    {
        var ours = topic.StartsWith(SparkplugIngestion.TopicPrefix, StringComparison.Ordinal)
            || (topic.StartsWith(pipeline.Prefix, StringComparison.Ordinal) && topic.Length > pipeline.Prefix.Length && topic[pipeline.Prefix.Length] == '/'
                && !topic.AsSpan(pipeline.Prefix.Length + 1).StartsWith("_"));
        if (!ours)
        {
            return ValueTask.FromResult(PendingIngest.Done(IngestOutcome.Ignored));
        }
        if (payload.Length > _maxPayload)
        {
            return pipeline.DeadLetterAsync(DeadLetterReasons.Oversized, topic, payload, clientId,
                $"{payload.Length} bytes, more than Mqtt:MaxPayloadBytes = {_maxPayload}", ct);
        }
        var accepted = topic.StartsWith(SparkplugIngestion.TopicPrefix, StringComparison.Ordinal)
            ? sparkplug.HandleAsync(topic, payload, clientId, trackDurability, ct)
            : pipeline.AcceptAsync(topic, payload, clientId, trackDurability, ct);
        if (!trackDurability)
        {
            return accepted;
        }
        if (accepted.IsCompletedSuccessfully)
        {
            // The usual case: no await happened, so the message's points are flushed here, in the publisher's own
            // call, with one write for all of them.
            writer.FlushJournal();
            return accepted;
        }
        return FlushAfter(accepted);

        async ValueTask<PendingIngest> FlushAfter(ValueTask<PendingIngest> pending)
        {
            var result = await pending;
            writer.FlushJournal();
            return result;
        }
    }
}

/// <summary>
/// Where Sparkplug B messages (topic namespace spBv1.0) enter: the <see cref="SparkplugHost"/> decodes them and keeps
/// births, aliases and sequence numbers; each numeric metric of a known device then goes on through
/// <see cref="IngestionPipeline.AcceptPointAsync"/> like a JSON point. A device maps to its asset by its IoT device id:
/// first "{group}/{edge node}/{device}" (unique in any plant), then the device id alone; node-level metrics by the edge
/// node id the same way. The signal is the metric name's last '/' segment ("Pump/bearing_vibration_x" →
/// bearing_vibration_x), since Sparkplug folders are not UNS levels.
/// </summary>
public sealed class SparkplugIngestion(IngestionPipeline pipeline, SparkplugHost host, UnsPublisher publisher)
{
    public const string TopicPrefix = "spBv1.0/";

    public SparkplugHost Host => host;

    public async ValueTask<PendingIngest> HandleAsync(string topic, ReadOnlySequence<byte> payload, string clientId, bool trackDurability, CancellationToken ct)
    {
        var bytes = payload.IsSingleSegment ? payload.First : payload.ToArray();
        var result = host.Handle(topic, bytes);
        foreach (var command in result.Commands)
        {
            await publisher.TryPublishAsync(ToMqtt(command), ct);
        }
        foreach (var dead in result.DeadLetters)
        {
            await pipeline.DeadLetterAsync("sparkplug-" + dead.Reason, topic, payload, clientId, dead.Detail, ct);
        }
        foreach (var presence in result.PresenceChanges)
        {
            await RecordPresenceAsync(presence, ct);
        }
        if (result.Points.Count == 0)
        {
            return PendingIngest.Done(result.DeadLetters.Count > 0 ? IngestOutcome.DeadLettered : IngestOutcome.Ignored);
        }
        var durable = new List<Task>(result.Points.Count);
        var outcome = IngestOutcome.Queued;
        AssetBinding? binding = null;
        string? boundSource = null;
        foreach (var point in result.Points)
        {
            if (boundSource != point.Source)
            {
                boundSource = point.Source;
                var local = point.DeviceId ?? point.EdgeNodeId;
                binding = await pipeline.FindDeviceAsync(point.Source, ct) ?? await pipeline.FindDeviceAsync(local, ct);
                if (binding is null || binding.EndOfLife)
                {
                    // One quarantine entry per message: the whole payload is kept for a replay once the device is registered.
                    return await pipeline.QuarantineAsync("device", point.Source,
                        binding is null ? IngestQuarantine.UnknownDevice : IngestQuarantine.EndOfLife, topic, payload, ct);
                }
            }
            var telemetry = ToTelemetryPoint(point, binding!.AssetId);
            var pending = await pipeline.AcceptPointAsync(binding, telemetry, clientId, trackDurability, ct);
            durable.Add(pending.Durable);
            if (pending.Outcome != IngestOutcome.Queued)
            {
                outcome = pending.Outcome;
            }
        }
        return new PendingIngest(outcome, Task.WhenAll(durable));
    }

    /// <summary>A metric value as a point of the asset its device maps to; the signal is the metric name's last '/' segment.</summary>
    public static TelemetryPoint ToTelemetryPoint(SparkplugPoint point, string assetId)
    {
        var quality = point.Quality switch
        {
            SparkplugQuality.Good => TelemetryQuality.Good,
            SparkplugQuality.Uncertain => TelemetryQuality.Uncertain,
            _ => TelemetryQuality.Bad,
        };
        // A Sparkplug seq numbers messages, not points, and wraps at 256: the host has already judged it, so the
        // pipeline's (source, seq) dedup must not see it; a resent point is still caught by the store's
        // (asset, signal, timestamp) key.
        return new TelemetryPoint(assetId, point.Metric[(point.Metric.LastIndexOf('/') + 1)..], point.Timestamp, point.Value,
            Unit: null, quality, point.Source, Seq: null, point.StampedOnArrival);
    }

    /// <summary>A device (or an edge node that is itself an asset) going on- or offline becomes an event on its asset's record.</summary>
    private async Task RecordPresenceAsync(SparkplugPresence presence, CancellationToken ct)
    {
        var source = presence.DeviceId is null ? $"{presence.GroupId}/{presence.EdgeNodeId}" : $"{presence.GroupId}/{presence.EdgeNodeId}/{presence.DeviceId}";
        var binding = await pipeline.FindDeviceAsync(source, ct) ?? await pipeline.FindDeviceAsync(presence.DeviceId ?? presence.EdgeNodeId, ct);
        if (binding is not null)
        {
            await pipeline.RecordEventAsync(
                AssetEvent.Device(presence.Online, binding.AssetId, presence.Timestamp, binding.Item, binding.Revision, binding.SitePath, source), ct);
        }
    }

    /// <summary>Announces this Primary Host online (retained STATE, Sparkplug 3.0 §5.3) on the embedded broker.</summary>
    public Task AnnounceAsync(bool online, CancellationToken ct)
    {
        var messages = host.CreateStateMessages();
        return publisher.TryPublishAsync(ToMqtt(online ? messages.Online : messages.Offline), ct);
    }

    public static MqttApplicationMessage ToMqtt(SparkplugOutgoingMessage message) => new MqttApplicationMessageBuilder()
        .WithTopic(message.Topic)
        .WithPayload(message.Payload.ToArray())
        .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)message.QualityOfService)
        .WithRetainFlag(message.Retain)
        .Build();
}
