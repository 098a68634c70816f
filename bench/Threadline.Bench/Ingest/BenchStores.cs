using System.Diagnostics;
using Threadline.Features.Telemetry;
using Threadline.Telemetry;

namespace Threadline.Bench.Ingest;

/// <summary>With --store memory only: keeps points in memory, deduplicated like a real store, to see the pipeline without a store's cost.</summary>
internal sealed class InMemoryBenchStore : ITelemetryStore
{
    private readonly Lock _lock = new();
    private readonly HashSet<(string, string, DateTimeOffset)> _keys = [];

    public Task InitialiseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken)
    {
        var stored = 0;
        lock (_lock)
        {
            foreach (var p in points)
            {
                if (_keys.Add((p.AssetId, p.Signal, p.Timestamp)))
                {
                    stored++;
                }
            }
        }
        return Task.FromResult(new AppendResult(stored, points.Count - stored, 0));
    }

    public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TelemetryPoint>>([]);

    public Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TelemetryBucket>>([]);

    public Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Wraps the store the server uses and records every AppendAsync: how many points the pipeline's TelemetryWriter
/// handed over in one call and how long the call took, to see what batch sizes ingestion really produces.
/// </summary>
internal sealed class MeasuredStore(ITelemetryStore inner) : ITelemetryStore, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<(int Points, long Start, long Ticks)> _appends = [];

    public string InnerName => inner.GetType().Name;

    /// <summary>When set, the moment (Stopwatch ticks) each point's append returned, by (source, timestamp): publish-to-stored latency.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<(string Source, long Ticks), long>? StoredAt { get; set; }

    public Task InitialiseAsync(CancellationToken cancellationToken) => inner.InitialiseAsync(cancellationToken);

    public async Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var result = await inner.AppendAsync(points, cancellationToken);
        var end = Stopwatch.GetTimestamp();
        var ticks = end - start;
        if (StoredAt is { } storedAt)
        {
            foreach (var point in points)
            {
                storedAt.TryAdd((point.Source, point.Timestamp.UtcTicks), end);
            }
        }
        lock (_lock)
        {
            _appends.Add((points.Count, start, ticks));
        }
        return result;
    }

    /// <summary>The appends recorded since the last call, and forgets them.</summary>
    public IReadOnlyList<(int Points, long Start, long Ticks)> Take()
    {
        lock (_lock)
        {
            var taken = _appends.ToArray();
            _appends.Clear();
            return taken;
        }
    }

    public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        inner.ReadRawAsync(assetId, signal, from, to, cancellationToken);

    public Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken) =>
        inner.ReadRollupAsync(assetId, signal, from, to, step, cancellationToken);

    public Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.ApplyRetentionAsync(now, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
