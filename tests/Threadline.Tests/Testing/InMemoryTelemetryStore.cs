using Threadline.Features.Telemetry;
using Threadline.Telemetry;

namespace Threadline.Testing;

/// <summary>
/// An ITelemetryStore in memory for ingestion tests (the DuckDB and PostgreSQL stores arrive from their own branch).
/// Deduplicates by asset, signal and timestamp like the real ones. <see cref="Gate"/> lets a test hold appends
/// back, and <see cref="WaitForCountAsync"/> waits for points without sleeping.
/// </summary>
public sealed class InMemoryTelemetryStore : ITelemetryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string, string, DateTimeOffset), TelemetryPoint> _points = [];
    private readonly Dictionary<(string, string), DateTimeOffset> _latest = [];
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private readonly List<TelemetryPoint> _appendOrder = [];

    /// <summary>Completed by default; replace with an incomplete task to hold every append until it completes.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    /// <summary>Set (if a test put one here) when an append begins, before it waits on <see cref="Gate"/>.</summary>
    public TaskCompletionSource? AppendEntered { get; set; }

    public int Appends { get; private set; }

    private readonly TaskCompletionSource _gateAbandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Lets every held append through whatever <see cref="Gate"/> is: called when a test ends, so a test that failed
    /// while holding appends reports its own failure instead of the server's stop waiting on the gate until its timeout.
    /// </summary>
    public void AbandonGate() => _gateAbandoned.TrySetResult();

    /// <summary>When set, the next append throws it (once) and stores nothing.</summary>
    public Exception? FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    private Exception? _failNext;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _points.Count;
            }
        }
    }

    /// <summary>Every point written, in the order the appends wrote them.</summary>
    public IReadOnlyList<TelemetryPoint> AppendOrder
    {
        get
        {
            lock (_lock)
            {
                return [.. _appendOrder];
            }
        }
    }

    public IReadOnlyList<TelemetryPoint> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _points.Values.OrderBy(p => p.Timestamp)];
            }
        }
    }

    public Task InitialiseAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken)
    {
        AppendEntered?.TrySetResult();
        await Task.WhenAny(Gate, _gateAbandoned.Task);
        if (Interlocked.Exchange(ref _failNext, null) is { } failure)
        {
            throw failure;
        }
        int stored = 0, duplicates = 0, outOfOrder = 0;
        lock (_lock)
        {
            Appends++;
            foreach (var p in points)
            {
                if (!_points.TryAdd((p.AssetId, p.Signal, p.Timestamp), p))
                {
                    duplicates++;
                    continue;
                }
                stored++;
                _appendOrder.Add(p);
                if (_latest.TryGetValue((p.AssetId, p.Signal), out var latest) && p.Timestamp < latest)
                {
                    outOfOrder++;
                }
                else
                {
                    _latest[(p.AssetId, p.Signal)] = p.Timestamp;
                }
            }
            foreach (var waiter in _waiters.Where(w => _points.Count >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        return new AppendResult(stored, duplicates, outOfOrder);
    }

    /// <summary>Completes when the store holds at least <paramref name="count"/> points; fails after <paramref name="timeout"/> (default 10 s).</summary>
    public Task WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        lock (_lock)
        {
            if (_points.Count >= count)
            {
                return Task.CompletedTask;
            }
            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(10));
        }
    }

    public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<TelemetryPoint> result = [.. _points.Values
                .Where(p => p.AssetId == assetId && p.Signal == signal && p.Timestamp >= from && p.Timestamp < to)
                .OrderBy(p => p.Timestamp)];
            return Task.FromResult(result);
        }
    }

    public Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Rollups are the time-series stores' concern; ingestion tests read raw points.");

    public Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.CompletedTask;
}
