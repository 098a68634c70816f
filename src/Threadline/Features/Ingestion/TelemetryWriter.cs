using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Threadline.Features.Telemetry;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// The one writer between the pipeline and <see cref="ITelemetryStore"/>: a bounded queue drained in batches, so
/// many publishers share one append (group commit). What a QoS 1 acknowledgement waits on depends on
/// Ingestion:AcknowledgeAfter: with Journal (default) the point is appended to the <see cref="IntakeJournal"/> and
/// the router flushes it to file before the acknowledgement, and the store gets it afterwards (a failed append is
/// retried, the point is never dropped); with Store the point's completion is signalled only after the append that
/// holds it has returned.
/// </summary>
public sealed class TelemetryWriter : IHostedService, IDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _perClient = new(StringComparer.Ordinal);
    private readonly ITelemetryStore _store;
    private readonly IngestionCounters _counters;
    private readonly TimeProvider _time;
    private readonly IngestionOptions _options;
    private readonly ILogger<TelemetryWriter> _logger;
    private readonly IntakeJournal? _journal;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public TelemetryWriter(ITelemetryStore store, IngestionCounters counters, TimeProvider time, IOptions<IngestionOptions> options, ILogger<TelemetryWriter> logger,
        IntakeJournal? journal = null)
    {
        _store = store;
        _journal = options.Value.AcknowledgesAfterJournal ? journal ?? throw new InvalidOperationException("Ingestion:AcknowledgeAfter=Journal needs an IntakeJournal.") : null;
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

    /// <summary>The intake journal acknowledgements wait on, or null when they wait on the store (Ingestion:AcknowledgeAfter=Store).</summary>
    public IntakeJournal? Journal => _journal;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.InitialiseAsync(cancellationToken);
        if (_journal is not null)
        {
            await ReplayJournalAsync(_journal, cancellationToken);
            _journal.Open();
        }
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    /// <summary>Makes the points queued so far durable: on file in the journal. Nothing to do when acknowledgements wait on the store.</summary>
    public void FlushJournal() => _journal?.Flush();

    /// <summary>
    /// Stores what a killed server left in its journal before anything new is accepted. Points it had already stored
    /// come back as duplicates of the store's key and are counted as such.
    /// </summary>
    private async Task ReplayJournalAsync(IntakeJournal journal, CancellationToken ct)
    {
        var (batches, files, torn) = journal.ReadLeftovers(_options.MaxBatchSize);
        if (files.Count == 0)
        {
            return;
        }
        long stored = 0, duplicates = 0, points = 0;
        foreach (var batch in batches)
        {
            var result = await _store.AppendAsync(batch, ct);
            (stored, duplicates, points) = (stored + result.Stored, duplicates + result.Duplicates, points + batch.Length);
        }
        _counters.Replayed(points, stored);
        IntakeJournal.Discard(files);
        _logger.LogInformation("Replayed {Points} points from {Files} intake journal segments left by the last run: {Stored} stored now, {Duplicates} were already stored, {Torn} bytes of an unacknowledged last write ignored.",
            points, files.Count, stored, duplicates, torn);
    }

    /// <summary>Stops taking points and appends what is queued: an accepted point is not dropped at shutdown.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        // A batch waiting for more points (the linger) is appended now: no more are coming.
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken);
        }
        // Everything is stored: closing the last segment deletes it.
        _journal?.Dispose();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _journal?.Dispose();
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
        var done = trackDurability && _journal is null ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        var segment = _journal?.Append(point);
        try
        {
            await _queue.Writer.WriteAsync(new Pending(point, done, slot, segment), ct);
        }
        catch
        {
            slot.Release();
            // Never acknowledged; the segment must not wait for it. A replay after a crash would store it, harmlessly.
            segment?.Stored(1);
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
        var linger = _options.BatchLinger;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            Drain(reader, batch);
            if (linger > TimeSpan.Zero && batch.Count < _options.MaxBatchSize && !_stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(linger, _time, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: append what is here.
                }
                Drain(reader, batch);
            }
            if (batch.Count > 0)
            {
                // QoS 0 points reach the journal file here at the latest (acknowledged ones already are).
                _journal?.Flush();
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
        var retry = TimeSpan.FromMilliseconds(100);
        while (_journal is not null)
        {
            try
            {
                var result = await _store.AppendAsync(points, CancellationToken.None);
                _counters.Stored(new AppendResultCounts(result.Stored, result.Duplicates, result.OutOfOrder));
                foreach (var item in batch)
                {
                    item.Slot.Release();
                    item.Segment!.Stored(1);
                }
                return;
            }
#pragma warning disable CA1031 // The points are acknowledged and in the journal: whatever the store throws, they wait and go again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "Appending {Count} telemetry points failed; they are kept in the intake journal and retried in {Delay}.", batch.Count, retry);
                var wait = Task.Delay(retry, _time);
                _counters.StoreFailures(batch.Count);
                await wait;
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
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

    private readonly record struct Pending(TelemetryPoint Point, TaskCompletionSource? Done, SemaphoreSlim Slot, IntakeJournal.Segment? Segment);
}
