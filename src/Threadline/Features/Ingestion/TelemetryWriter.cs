using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Threadline.Features.Telemetry;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The one writer between the pipeline and <see cref="ITelemetryStore"/>: a bounded queue drained in batches, so
/// many publishers share one append (group commit). A point's completion, when asked for, is signalled only after
/// the append that holds it has returned, which is what a QoS 1 acknowledgement waits on.
/// </summary>
public sealed class TelemetryWriter : IHostedService
{
    private readonly Channel<Pending> _queue;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perClient = new(StringComparer.Ordinal);
    private readonly ITelemetryStore _store;
    private readonly IngestionCounters _counters;
    private readonly TimeProvider _time;
    private readonly IngestionOptions _options;
    private readonly ILogger<TelemetryWriter> _logger;
    private Task? _loop;

    public TelemetryWriter(ITelemetryStore store, IngestionCounters counters, TimeProvider time, IOptions<IngestionOptions> options, ILogger<TelemetryWriter> logger)
    {
        _store = store;
        _counters = counters;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Raised with the points of an append that failed, so what remembered them as seen can forget them.</summary>
    internal event Action<IReadOnlyList<TelemetryPoint>>? AppendFailed;

    /// <summary>Points queued and not yet appended, all clients together.</summary>
    public int Queued => _queue.Reader.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.InitialiseAsync(cancellationToken);
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>Stops taking points and appends what is queued: an accepted point is not dropped at shutdown.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Queues a point. Waits while <paramref name="clientId"/> already has Ingestion:MaxQueuedPerClient points queued
    /// (so a flooding client slows itself, not the others) or the whole queue is full. The returned task, if
    /// <paramref name="trackDurability"/>, completes when the point is stored, and faults if the append failed.
    /// </summary>
    internal async ValueTask<Task> EnqueueAsync(TelemetryPoint point, string clientId, bool trackDurability, CancellationToken ct)
    {
        var slot = _perClient.GetOrAdd(clientId, _ => new SemaphoreSlim(_options.MaxQueuedPerClient, _options.MaxQueuedPerClient));
        await slot.WaitAsync(ct);
        var done = trackDurability ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        try
        {
            await _queue.Writer.WriteAsync(new Pending(point, done, slot), ct);
        }
        catch
        {
            slot.Release();
            throw;
        }
        return done?.Task ?? Task.CompletedTask;
    }

    /// <summary>Forgets a client's share once it has nothing queued, so a plant of short-lived client ids does not grow the table.</summary>
    internal void ForgetClient(string clientId)
    {
        if (_perClient.TryGetValue(clientId, out var slot) && slot.CurrentCount == _options.MaxQueuedPerClient)
        {
            // A reconnection racing this may briefly get a fresh share beside the old one; the bound is per connection then.
            _perClient.TryRemove(new KeyValuePair<string, SemaphoreSlim>(clientId, slot));
        }
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(Math.Min(_options.MaxBatchSize, 65_536));
        var linger = TimeSpan.FromMilliseconds(_options.BatchLingerMilliseconds);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            Drain(reader, batch);
            if (linger > TimeSpan.Zero && batch.Count < _options.MaxBatchSize && !reader.Completion.IsCompleted)
            {
                await Task.Delay(linger, _time);
                Drain(reader, batch);
            }
            if (batch.Count > 0)
            {
                await AppendAsync(batch);
                batch.Clear();
            }
        }
    }

    private void Drain(ChannelReader<Pending> reader, List<Pending> batch)
    {
        while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }

    private async Task AppendAsync(List<Pending> batch)
    {
        var points = new TelemetryPoint[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            points[i] = batch[i].Point;
        }
        try
        {
            var result = await _store.AppendAsync(points, CancellationToken.None);
            _counters.Stored(new AppendResultCounts(result.Stored, result.Duplicates, result.OutOfOrder));
            foreach (var item in batch)
            {
                item.Done?.TrySetResult();
            }
        }
#pragma warning disable CA1031 // Whatever the store throws, the waiting publishers must hear of it and the loop must go on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Appending {Count} telemetry points failed; QoS 1 publishers are not acknowledged and will resend.", batch.Count);
            _counters.StoreFailures(batch.Count);
            AppendFailed?.Invoke(points);
            foreach (var item in batch)
            {
                item.Done?.TrySetException(ex);
            }
        }
        finally
        {
            foreach (var item in batch)
            {
                item.Slot.Release();
            }
        }
    }

    private readonly record struct Pending(TelemetryPoint Point, TaskCompletionSource? Done, SemaphoreSlim Slot);
}
