using System.Threading.Channels;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Telemetry;

namespace Threadline.Features.Twins;

/// <summary>
/// Carries accepted telemetry to the twins without holding up ingestion: a bounded queue that drops the oldest
/// readings when twins fall behind (the store keeps every point; a twin only needs the recent ones), drained by one
/// loop that groups readings by asset. Each twin has at most one call running: readings that arrive meanwhile wait and
/// go in its next call, so a twin gets its readings in order while other twins proceed; at most 65,536 readings are
/// out of the queue at a time.
/// </summary>
public sealed class TwinFeed : BackgroundService, ITelemetryObserver
{
    public const int Capacity = 262_144;
    private const int MaxBatch = 8_192;

    // Readings out of the queue and not yet applied (in calls, or waiting for their twin's running call).
    private const int MaxOutstanding = 65_536;

    private readonly IGrainFactory _grains;
    private readonly ILogger<TwinFeed> _logger;
    private readonly Channel<TelemetryPoint> _queue;
    private readonly Lock _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private readonly Dictionary<string, List<TelemetryPoint>> _waiting = new(StringComparer.Ordinal);
    private readonly Channel<bool> _room = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _outstanding;
    private long _offered;
    private long _handled;
    private long _applied;
    private long _dropped;

    public TwinFeed(IGrainFactory grains, ILogger<TwinFeed> logger)
    {
        _grains = grains;
        _logger = logger;
        _queue = Channel.CreateBounded<TelemetryPoint>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                Handled(1);
            });
    }

    /// <summary>Readings applied by twins (or dropped because they fell behind) so far.</summary>
    public long Handled() => Interlocked.Read(ref _handled);

    /// <summary>Readings twins have applied, and readings dropped because twins fell more than <see cref="Capacity"/> behind, since start.</summary>
    public (long Applied, long Dropped) Counts() => (Interlocked.Read(ref _applied), Interlocked.Read(ref _dropped));

    public void Observe(AssetBinding binding, TelemetryPoint point)
    {
        Interlocked.Increment(ref _offered);
        _queue.Writer.TryWrite(point);
    }

    /// <summary>Completes once every reading offered before the call has been handled: the tests' synchronisation point.</summary>
    public Task DrainedAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var target = Interlocked.Read(ref _offered);
            if (Interlocked.Read(ref _handled) >= target)
            {
                return Task.CompletedTask;
            }
            _waiters.Add((target, done));
        }
        return done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TelemetryPoint>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            // Readings taken out of the queue are no longer dropped when twins fall behind, so only so many may be out.
            while (Interlocked.Read(ref _outstanding) >= MaxOutstanding)
            {
                await _room.Reader.ReadAsync(stoppingToken);
            }
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var point))
            {
                batch.Add(point);
            }
            Interlocked.Add(ref _outstanding, batch.Count);
            foreach (var group in batch.GroupBy(p => p.AssetId, StringComparer.Ordinal))
            {
                lock (_gate)
                {
                    if (_waiting.TryGetValue(group.Key, out var waiting))
                    {
                        // The twin's previous call is still running: these readings follow it, in order.
                        waiting.AddRange(group);
                        continue;
                    }
                    _waiting[group.Key] = [];
                }
                _ = CallAsync(group.Key, [.. group]);
            }
            batch.Clear();
        }
    }

    /// <summary>Applies one twin's readings, then whatever arrived for it meanwhile, until none is left: one call at a time per twin.</summary>
    private async Task CallAsync(string assetId, List<TelemetryPoint> points)
    {
        var grain = _grains.GetGrain<ITwinGrain>(assetId);
        while (true)
        {
            try
            {
                await grain.ApplyAsync([.. points.OrderBy(p => p.Timestamp).Select(TwinReading.From)]);
                Interlocked.Add(ref _applied, points.Count);
            }
#pragma warning disable CA1031 // One twin's failure must not stop the feed of all others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "Twin {AssetId} failed to apply {Count} readings", assetId, points.Count);
            }
            Interlocked.Add(ref _outstanding, -points.Count);
            _room.Writer.TryWrite(true);
            Handled(points.Count);
            lock (_gate)
            {
                var waiting = _waiting[assetId];
                if (waiting.Count == 0)
                {
                    _waiting.Remove(assetId);
                    return;
                }
                _waiting[assetId] = [];
                points = waiting;
            }
        }
    }

    private void Handled(int count)
    {
        var handled = Interlocked.Add(ref _handled, count);
        lock (_gate)
        {
            _waiters.RemoveAll(w =>
            {
                if (w.Target > handled)
                {
                    return false;
                }
                w.Done.TrySetResult();
                return true;
            });
        }
    }
}
