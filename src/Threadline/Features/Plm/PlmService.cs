using Threadline.Plm;

namespace Threadline.Features.Plm;

/// <summary>
/// The one way into the PLM records: queries run against an in-memory snapshot, refreshed when the stored
/// catalog version moves (so several servers on one PostgreSQL see each other's writes); changes are decided by
/// the domain rules against the latest snapshot and written with an optimistic version check, retried on a race.
/// </summary>
public sealed class PlmService(PlmStore store, TimeProvider time, ILogger<PlmService> logger) : IDisposable
{
    private const int MaxAttempts = 5;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    private sealed record Snapshot(PlmCatalog Catalog, long Version);

    public TimeProvider Time => time;

    /// <summary>
    /// The snapshot held in memory with its version, read together (no database read), null before the first read: a cheap
    /// way for a long-lived reader (a twin, the limit judge) to notice a change this server has seen.
    /// </summary>
    public (PlmCatalog Catalog, long Version)? Cached => _snapshot is { } snapshot ? (snapshot.Catalog, snapshot.Version) : null;

    public async Task<PlmCatalog> CatalogAsync(CancellationToken cancellationToken = default) =>
        (await CurrentAsync(cancellationToken)).Catalog;

    /// <summary>The latest catalog with its version, read together (refreshed from the store when it moved).</summary>
    public async Task<(PlmCatalog Catalog, long Version)> CatalogWithVersionAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        return (snapshot.Catalog, snapshot.Version);
    }

    /// <summary>
    /// Applies a change decided against the latest snapshot and stores the items it returns. The change may run
    /// more than once (after a concurrent write), so it must be a pure function of the catalog it is given.
    /// </summary>
    public async Task<IReadOnlyList<Item>> ChangeAsync(Func<PlmCatalog, DateTimeOffset, IReadOnlyList<Item>> change, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshot = await CurrentAsync(cancellationToken);
                var changed = change(snapshot.Catalog, time.GetUtcNow());
                if (changed.Count == 0)
                {
                    return changed;
                }
                if (await store.SaveAsync(changed, snapshot.Version, cancellationToken))
                {
                    _snapshot = new Snapshot(snapshot.Catalog.With(changed), snapshot.Version + 1);
                    return changed;
                }
                logger.LogInformation("PLM write raced with another writer (attempt {Attempt}); reloading", attempt);
                _snapshot = null;
                if (attempt == MaxAttempts)
                {
                    throw PlmRuleException.Conflict("concurrent-write", "The PLM records kept changing under this request; try again.");
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<Item> ChangeAsync(Func<PlmCatalog, DateTimeOffset, Item> change, CancellationToken cancellationToken = default) =>
        (await ChangeAsync((catalog, now) => [change(catalog, now)], cancellationToken))[0];

    public void Dispose() => _gate.Dispose();

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var cached = _snapshot;
        var version = await store.ReadVersionAsync(cancellationToken);
        if (cached is not null && cached.Version == version)
        {
            return cached;
        }
        var (catalog, loadedVersion) = await store.LoadAsync(cancellationToken);
        var fresh = new Snapshot(catalog, loadedVersion);
        _snapshot = fresh;
        return fresh;
    }
}
