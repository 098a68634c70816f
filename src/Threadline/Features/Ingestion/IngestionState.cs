using System.Collections.Concurrent;
using Threadline.Features.Assets;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Counts by outcome since the server started, as served by GET /api/ingest/stats. ReplayedFromJournal: points a
/// killed run had acknowledged and left in its intake journal, stored at this start (ReplayedStored of them were not
/// stored yet; the rest were). Refused: publishes and subscriptions the embedded broker's security refused, by reason
/// (<see cref="Security.RefusalReasons"/>); a refused publish is never ingested.
/// </summary>
public sealed record IngestStats(
    long Stored,
    long Duplicate,
    long OutOfOrder,
    IReadOnlyDictionary<string, long> DeadLettered,
    long Quarantined,
    long Ephemeral,
    long LifecycleEvents,
    long LimitCrossings,
    long StoreFailures,
    long ReplayedFromJournal,
    long ReplayedStored,
    IReadOnlyDictionary<string, long> Refused);

/// <summary>Thread-safe counters behind <see cref="IngestStats"/>.</summary>
public sealed class IngestionCounters
{
    private readonly ConcurrentDictionary<string, long> _deadLettered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private long _stored, _duplicate, _outOfOrder, _quarantined, _ephemeral, _lifecycleEvents, _limitCrossings, _storeFailures, _replayed, _replayedStored;

    internal void Stored(AppendResultCounts result)
    {
        Interlocked.Add(ref _stored, result.Stored);
        Interlocked.Add(ref _duplicate, result.Duplicates);
        Interlocked.Add(ref _outOfOrder, result.OutOfOrder);
    }

    internal void Duplicate() => Interlocked.Increment(ref _duplicate);

    internal void DeadLettered(string reason) => _deadLettered.AddOrUpdate(reason, 1, (_, n) => n + 1);

    internal void Refused(string reason) => _refused.AddOrUpdate(reason, 1, (_, n) => n + 1);

    internal void Quarantined() => Interlocked.Increment(ref _quarantined);

    internal void Ephemeral() => Interlocked.Increment(ref _ephemeral);

    internal void LifecycleEvents(int count) => Interlocked.Add(ref _lifecycleEvents, count);

    internal void LimitCrossing() => Interlocked.Increment(ref _limitCrossings);

    internal void StoreFailures(int points) => Interlocked.Add(ref _storeFailures, points);

    internal void Replayed(long points, long stored)
    {
        Interlocked.Add(ref _replayed, points);
        Interlocked.Add(ref _replayedStored, stored);
    }

    public IngestStats Snapshot() => new(
        Interlocked.Read(ref _stored),
        Interlocked.Read(ref _duplicate),
        Interlocked.Read(ref _outOfOrder),
        new SortedDictionary<string, long>(_deadLettered, StringComparer.Ordinal),
        Interlocked.Read(ref _quarantined),
        Interlocked.Read(ref _ephemeral),
        Interlocked.Read(ref _lifecycleEvents),
        Interlocked.Read(ref _limitCrossings),
        Interlocked.Read(ref _storeFailures),
        Interlocked.Read(ref _replayed),
        Interlocked.Read(ref _replayedStored),
        new SortedDictionary<string, long>(_refused, StringComparer.Ordinal));
}

internal readonly record struct AppendResultCounts(int Stored, int Duplicates, int OutOfOrder);

/// <summary>
/// A telemetry source the installed base does not know (or knows as end of life): its messages are held here, with a
/// bounded sample of payloads, instead of being stored against a guess. Times are the server clock at arrival.
/// </summary>
public sealed record QuarantinedSource(
    string Kind,
    string Id,
    string Reason,
    string LastTopic,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    long Count,
    IReadOnlyList<string> SamplePayloads);

/// <summary>The quarantine list: read by GET /api/ingest/quarantine and by the installed-base validation report.</summary>
public sealed class IngestQuarantine(int samples) : Assets.IUnknownTelemetrySources
{
    public const string UnknownAsset = "unknown-asset";
    public const string UnknownDevice = "unknown-device";
    public const string EndOfLife = "asset-end-of-life";
    private const int MaxSampleChars = 1024;

    private readonly ConcurrentDictionary<(string Kind, string Id), Entry> _entries = new();

    public IReadOnlyList<QuarantinedSource> Snapshot() =>
        [.. _entries.Select(e => e.Value.ToRecord(e.Key.Kind, e.Key.Id)).OrderBy(q => q.Kind, StringComparer.Ordinal).ThenBy(q => q.Id, StringComparer.Ordinal)];

    public IReadOnlyList<string> UnknownAssetIds() => Unknown("asset", UnknownAsset);

    public IReadOnlyList<string> UnknownDeviceIds() => Unknown("device", UnknownDevice);

    private List<string> Unknown(string kind, string reason) =>
        [.. _entries.Where(e => e.Key.Kind == kind && e.Value.Reason == reason).Select(e => e.Key.Id).Order(StringComparer.Ordinal)];

    internal void Record(string kind, string id, string reason, string topic, ReadOnlySpan<byte> payload, DateTimeOffset now)
    {
        var entry = _entries.GetOrAdd((kind, id), static (_, at) => new Entry(at), now);
        lock (entry)
        {
            entry.Reason = reason;
            entry.LastTopic = topic;
            entry.LastSeen = now;
            entry.Count++;
            if (entry.Samples.Count < samples)
            {
                var text = System.Text.Encoding.UTF8.GetString(payload);
                entry.Samples.Add(text.Length > MaxSampleChars ? text[..MaxSampleChars] : text);
            }
        }
    }

    private sealed class Entry(DateTimeOffset firstSeen)
    {
        public string Reason = "";
        public string LastTopic = "";
        public DateTimeOffset LastSeen;
        public long Count;
        public readonly List<string> Samples = [];

        public QuarantinedSource ToRecord(string kind, string id)
        {
            lock (this)
            {
                return new QuarantinedSource(kind, id, Reason, LastTopic, firstSeen, LastSeen, Count, [.. Samples]);
            }
        }
    }
}

/// <summary>
/// The latest value of one signal of one asset, whatever its class. <see cref="Timestamp"/> is the time at source
/// (or arrival, when <see cref="StampedOnArrival"/>); <see cref="ReceivedAt"/> is the server clock at arrival.
/// </summary>
public sealed record LatestValue(
    string AssetId,
    string Signal,
    double Value,
    string? Unit,
    TelemetryQuality Quality,
    DateTimeOffset Timestamp,
    bool StampedOnArrival,
    DateTimeOffset ReceivedAt);

/// <summary>The latest value per asset and signal, in memory, for the twin runtime and the dashboard. A late point (older time at source) does not replace a newer one.</summary>
public sealed class LatestValues
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, LatestValue>> _byAsset = new(StringComparer.Ordinal);

    public LatestValue? Get(string assetId, string signal) =>
        _byAsset.TryGetValue(assetId, out var signals) && signals.TryGetValue(signal, out var latest) ? latest : null;

    public IReadOnlyList<LatestValue> ForAsset(string assetId) =>
        _byAsset.TryGetValue(assetId, out var signals) ? [.. signals.Values.OrderBy(v => v.Signal, StringComparer.Ordinal)] : [];

    /// <summary>Every asset's latest values, ordered by asset and signal.</summary>
    public IReadOnlyList<LatestValue> All() =>
        [.. _byAsset.Values.SelectMany(s => s.Values).OrderBy(v => v.AssetId, StringComparer.Ordinal).ThenBy(v => v.Signal, StringComparer.Ordinal)];

    internal void Offer(TelemetryPoint point, DateTimeOffset receivedAt)
    {
        var signals = _byAsset.GetOrAdd(point.AssetId, _ => new ConcurrentDictionary<string, LatestValue>(StringComparer.Ordinal));
        var candidate = new LatestValue(point.AssetId, point.Signal, point.Value, point.Unit, point.Quality, point.Timestamp, point.StampedOnArrival, receivedAt);
        signals.AddOrUpdate(point.Signal, candidate, (_, existing) => existing.Timestamp > candidate.Timestamp ? existing : candidate);
    }
}

/// <summary>
/// Recognises a retransmission by source and sequence number: each source keeps its last <c>window</c> sequence
/// numbers. Points without a seq are left to the store, which deduplicates by asset, signal and timestamp.
/// </summary>
internal sealed class SeqDeduplicator(int window)
{
    private readonly ConcurrentDictionary<string, Recent> _sources = new(StringComparer.Ordinal);

    /// <summary>True the first time (source, seq) is seen within the window.</summary>
    public bool FirstSighting(string source, long seq)
    {
        if (window == 0)
        {
            return true;
        }
        var recent = _sources.GetOrAdd(source, _ => new Recent(window));
        lock (recent)
        {
            return recent.Add(seq);
        }
    }

    public void Forget(string source, long seq)
    {
        if (_sources.TryGetValue(source, out var recent))
        {
            lock (recent)
            {
                recent.Remove(seq);
            }
        }
    }

    private sealed class Recent(int capacity)
    {
        private readonly HashSet<long> _set = new(capacity);
        private readonly Queue<long> _order = new(capacity);

        public bool Add(long seq)
        {
            if (!_set.Add(seq))
            {
                return false;
            }
            _order.Enqueue(seq);
            if (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }
            return true;
        }

        // The queue keeps the forgotten seq until it ages out; removing it from the set is what matters.
        public void Remove(long seq) => _set.Remove(seq);
    }
}

/// <summary>Asset lookups reused for a short time (found and not found alike), so a stream of points costs one lookup per asset per period.</summary>
internal sealed class AssetCache(IAssetLookup lookup, TimeProvider time, TimeSpan ttl)
{
    private readonly ConcurrentDictionary<string, (AssetBinding? Binding, DateTimeOffset Expires)> _byAsset = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (AssetBinding? Binding, DateTimeOffset Expires)> _byDevice = new(StringComparer.Ordinal);

    public ValueTask<AssetBinding?> ByAssetIdAsync(string assetId, CancellationToken ct) =>
        GetAsync(_byAsset, assetId, (id, c) => lookup.FindByAssetIdAsync(id, c), ct);

    public ValueTask<AssetBinding?> ByDeviceIdAsync(string deviceId, CancellationToken ct) =>
        GetAsync(_byDevice, deviceId, (id, c) => lookup.FindByDeviceIdAsync(id, c), ct);

    private async ValueTask<AssetBinding?> GetAsync(
        ConcurrentDictionary<string, (AssetBinding? Binding, DateTimeOffset Expires)> cache,
        string key,
        Func<string, CancellationToken, ValueTask<AssetBinding?>> find,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Binding;
        }
        var binding = await find(key, ct);
        // A miss is not kept here: the installed base caches its own misses and forgets them when a unit is
        // registered, so a device seen in quarantine flows as soon as someone registers it.
        if (ttl > TimeSpan.Zero && binding is not null)
        {
            cache[key] = (binding, now + ttl);
        }
        return binding;
    }
}
