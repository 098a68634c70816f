using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// Writes twin states behind the grains, many twins a transaction. A grain hands over its state (immutable, so it is
/// neither copied nor serialised on the grain's turn) and goes on; one loop writes whatever was handed over since its
/// last write: the latest state of each twin and the latest state of each (twin, snapshot period), so a state that
/// closed a period keeps its snapshot even when a newer one supersedes it as the twin's state. One writer per silo.
/// </summary>
/// <remarks>
/// It takes part in the silo's lifecycle at <see cref="ServiceLifecycleStage.ApplicationServices"/>: on stop it writes
/// everything still held after the silo has deactivated its grains (at <see cref="ServiceLifecycleStage.BecomeActive"/>,
/// a later stage, which stops first). A grain deactivated by the shutdown only hands its state over, so none of the
/// writes can be cancelled by the silo's shutdown timeout.
/// </remarks>
public sealed class TwinStateWriter : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Registers the writer in a silo's services (the server's, or a test cluster silo's).</summary>
    public static IServiceCollection Register(IServiceCollection services)
    {
        services.AddSingleton<TwinStateWriter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<TwinStateWriter>());
        return services;
    }

    // Enough to amortise a transaction, small enough that a FlushAsync behind a large backlog is not held for long.
    private const int MaxTwinsPerWrite = 2_000;

    private readonly TwinStore _store;
    private readonly TimeProvider _time;
    private readonly IOptions<TwinOptions> _options;
    private readonly ILogger<TwinStateWriter> _logger;
    private readonly Lock _gate = new();
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private Dictionary<string, Pending> _writing = new(StringComparer.Ordinal);
    private Task? _loop;
    private bool _stopping;
    private long _written;

    public TwinStateWriter(TwinStore store, TimeProvider time, IOptions<TwinOptions> options, ILogger<TwinStateWriter> logger)
    {
        _store = store;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>Twin states written so far (a twin handed over several times between two writes counts once).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Twins handed over and not written yet.</summary>
    public int Backlog
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _writing.Count;
            }
        }
    }

    /// <summary>
    /// Takes the twin's state to write; returns at once. The returned task completes when the write that holds this
    /// state (or a later one of the same twin) has committed, and fails if that write failed (the state is then kept
    /// for the next attempt).
    /// </summary>
    public Task Hand(TwinState state, string revision, string? site)
    {
        Task written;
        bool inline;
        lock (_gate)
        {
            var period = state.UpdatedAt is { } at ? TwinStore.SnapshotPeriod(at, TimeSpan.FromMinutes(_options.Value.SnapshotIntervalMinutes)) : (long?)null;
            if (_pending.TryGetValue(state.AssetId, out var pending))
            {
                pending.Supersede(state, revision, site, period);
            }
            else
            {
                pending = new Pending(state, revision, site, period);
                _pending[state.AssetId] = pending;
            }
            written = pending.Written;
            inline = _stopping;
        }
        if (inline)
        {
            // A grain deactivated while or after the writer stopped (the silo's stop went on without waiting for it).
            _ = Task.Run(DrainAsync, CancellationToken.None);
        }
        else
        {
            _signal.Writer.TryWrite(true);
        }
        return written;
    }

    /// <summary>Completes when every state of the twin handed over so far has been written.</summary>
    public Task WrittenAsync(string assetId)
    {
        lock (_gate)
        {
            return _pending.TryGetValue(assetId, out var pending) ? pending.Written
                : _writing.TryGetValue(assetId, out var writing) ? writing.Written
                : Task.CompletedTask;
        }
    }

    /// <summary>The twin's latest state: one handed over and not written yet, or else the stored one.</summary>
    public async Task<TwinState?> LoadAsync(string assetId, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_pending.TryGetValue(assetId, out var pending))
            {
                return pending.State;
            }
            if (_writing.TryGetValue(assetId, out var writing))
            {
                return writing.State;
            }
        }
        return await _store.LoadAsync(assetId, ct);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TwinStateWriter), ServiceLifecycleStage.ApplicationServices, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    // The silo's stop token is not passed on: once the grains are gone, what they handed over is all that is left of
    // their last readings, so the writer finishes it however long the silo was given.
    private async Task StopAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            _stopping = true;
        }
        _signal.Writer.TryWrite(true);
        if (_loop is { } loop)
        {
            await loop;
        }
        await DrainAsync();
    }

    /// <summary>Writes everything handed over, once; logs what could not be written.</summary>
    private async Task DrainAsync()
    {
        try
        {
            while (await WriteBatchAsync() > 0)
            {
            }
        }
#pragma warning disable CA1031 // Stopping: the failure is logged with what it loses; there is no caller to rethrow to.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Writing twin states on stop failed: {Count} twins lose the readings since their last write", Backlog);
        }
    }

    private async Task RunAsync()
    {
        while (await _signal.Reader.WaitToReadAsync())
        {
            _signal.Reader.TryRead(out _);
            int count;
            do
            {
                try
                {
                    count = await WriteBatchAsync();
                }
#pragma warning disable CA1031 // A failed write must not end the writer: the states are kept and written by the next attempt.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    _logger.LogError(ex, "Writing twin states failed; {Count} twins keep their state for the next attempt", Backlog);
                    if (IsStopping())
                    {
                        return;
                    }
                    await Task.Delay(TimeSpan.FromSeconds(1), _time);
                    count = 1;
                }
            }
            while (count > 0);
            if (IsStopping())
            {
                return;
            }
        }
    }

    private bool IsStopping()
    {
        lock (_gate)
        {
            return _stopping;
        }
    }

    /// <summary>Writes up to <see cref="MaxTwinsPerWrite"/> twins handed over; returns how many (0: nothing was waiting).</summary>
    private async Task<int> WriteBatchAsync()
    {
        Dictionary<string, Pending> batch;
        lock (_gate)
        {
            if (_pending.Count == 0 || _writing.Count > 0)
            {
                return 0;
            }
            if (_pending.Count <= MaxTwinsPerWrite)
            {
                batch = _pending;
                _pending = new Dictionary<string, Pending>(StringComparer.Ordinal);
            }
            else
            {
                batch = new Dictionary<string, Pending>(MaxTwinsPerWrite, StringComparer.Ordinal);
                foreach (var (id, pending) in _pending)
                {
                    batch[id] = pending;
                    if (batch.Count == MaxTwinsPerWrite)
                    {
                        break;
                    }
                }
                foreach (var id in batch.Keys)
                {
                    _pending.Remove(id);
                }
            }
            _writing = batch;
        }
        try
        {
            var savedAt = _time.GetUtcNow();
            var states = new List<TwinStateWrite>(batch.Count);
            var snapshots = new List<TwinSnapshotWrite>(batch.Count);
            foreach (var pending in batch.Values)
            {
                var json = TwinStateJson.Serialize(pending.State);
                states.Add(new TwinStateWrite(pending.State, pending.Revision, pending.Site, savedAt, json));
                foreach (var (period, snapshot) in pending.Snapshots)
                {
                    var at = snapshot.UpdatedAt!.Value;
                    snapshots.Add(new TwinSnapshotWrite(snapshot.AssetId, period, at,
                        ReferenceEquals(snapshot, pending.State) ? json : TwinStateJson.Serialize(snapshot)));
                }
            }
            await _store.WriteAsync(states, snapshots, CancellationToken.None);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                // Back in the queue, merged under anything handed over meanwhile (which is newer).
                foreach (var (id, failed) in batch)
                {
                    failed.Fail(ex);
                    if (_pending.TryGetValue(id, out var newer))
                    {
                        newer.Absorb(failed);
                    }
                    else
                    {
                        _pending[id] = failed;
                    }
                }
                _writing = new Dictionary<string, Pending>(StringComparer.Ordinal);
            }
            throw;
        }
        lock (_gate)
        {
            _writing = new Dictionary<string, Pending>(StringComparer.Ordinal);
        }
        Interlocked.Add(ref _written, batch.Count);
        foreach (var pending in batch.Values)
        {
            pending.Succeed();
        }
        return batch.Count;
    }

    /// <summary>One twin's states handed over since its last write. Mutated only under the writer's lock.</summary>
    private sealed class Pending
    {
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Pending(TwinState state, string revision, string? site, long? period)
        {
            (State, Revision, Site) = (state, revision, site);
            if (period is { } p)
            {
                Snapshots[p] = state;
            }
        }

        public TwinState State { get; private set; }

        public string Revision { get; private set; }

        public string? Site { get; private set; }

        /// <summary>The latest state of each snapshot period touched, by period (usually one).</summary>
        public Dictionary<long, TwinState> Snapshots { get; } = [];

        public Task Written => _written.Task;

        public void Supersede(TwinState state, string revision, string? site, long? period)
        {
            (State, Revision, Site) = (state, revision, site);
            if (period is { } p)
            {
                Snapshots[p] = state;
            }
        }

        /// <summary>Takes back the snapshots of a failed write for the periods this newer one has not touched.</summary>
        public void Absorb(Pending older)
        {
            foreach (var (period, snapshot) in older.Snapshots)
            {
                Snapshots.TryAdd(period, snapshot);
            }
        }

        /// <summary>Tells whoever waits that the write failed; the next attempt has waiters of its own.</summary>
        public void Fail(Exception ex)
        {
            _written.TrySetException(ex);
            // Observed here: most hand-overs are not awaited, and the writer has logged the failure.
            _ = _written.Task.Exception;
            _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public void Succeed() => _written.TrySetResult();
    }
}
