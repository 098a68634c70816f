using System.Threading.Channels;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Telemetry;

namespace Threadline.Features.Twins;

/// <summary>
/// Carries accepted telemetry to the twins without holding up ingestion: a bounded queue that drops the oldest
/// readings when twins fall behind (the store keeps every point; a twin only needs the recent ones), drained by one
/// loop that groups readings by asset so each grain gets one call per batch.
/// </summary>
public sealed class TwinFeed : BackgroundService, ITelemetryObserver
{
    public const int Capacity = 262_144;
    private const int MaxBatch = 8_192;

    private readonly IGrainFactory _grains;
    private readonly ILogger<TwinFeed> _logger;
    private readonly Channel<TelemetryPoint> _queue;
    private readonly Lock _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _offered;
    private long _handled;

    public TwinFeed(IGrainFactory grains, ILogger<TwinFeed> logger)
    {
        _grains = grains;
        _logger = logger;
        _queue = Channel.CreateBounded<TelemetryPoint>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Handled(1));
    }

    /// <summary>Readings applied by twins (or dropped because they fell behind) so far.</summary>
    public long Handled() => Interlocked.Read(ref _handled);

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
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var point))
            {
                batch.Add(point);
            }
            try
            {
                await Task.WhenAll(batch.GroupBy(p => p.AssetId, StringComparer.Ordinal)
                    .Select(g => _grains.GetGrain<ITwinGrain>(g.Key).ApplyAsync([.. g.OrderBy(p => p.Timestamp).Select(TwinReading.From)])));
            }
#pragma warning disable CA1031 // One twin's failure must not stop the feed of all others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "Twins failed to apply a batch of {Count} readings", batch.Count);
            }
            Handled(batch.Count);
            batch.Clear();
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
