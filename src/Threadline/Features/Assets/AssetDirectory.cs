using System.Collections.Concurrent;
using Threadline.Assets;
using Threadline.Events;
using Threadline.Features.Plm;
using Threadline.Plm;
using Threadline.Storage;

namespace Threadline.Features.Assets;

/// <summary>
/// The ingestion path's view of the installed base: asset bindings by asset ID and by IoT device id, cached for
/// <see cref="CacheFor"/> (measured with the injected clock) so a telemetry stream does not query the database per
/// point. A miss is cached too, briefly, so a flood from an unknown device cannot hammer the database.
/// Events written while an earlier write runs (a limit crossing on many pumps at once, from many MQTT connections)
/// go into the next transaction together: an alarm flood costs a few commits, not one per pump.
/// </summary>
public sealed class AssetDirectory(AssetStore store, PlmService plm, TimeProvider time) : IAssetLookup, IAssetEventLog
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly GroupCommit<AssetEventRow, bool> _events = new(new SemaphoreSlim(1, 1), 10_000, async (groups, ct) =>
    {
        await store.AppendEventsAsync([.. groups.SelectMany(g => g)], ct);
        return [.. groups.Select(_ => true)];
    });

    private readonly ConcurrentDictionary<string, (AssetBinding? Binding, DateTimeOffset Until)> _byAsset = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (AssetBinding? Binding, DateTimeOffset Until)> _byDevice = new(StringComparer.Ordinal);

    public ValueTask<AssetBinding?> FindByAssetIdAsync(string assetId, CancellationToken cancellationToken) =>
        CachedAsync(_byAsset, assetId, id => store.FindAsync(id, cancellationToken), cancellationToken);

    public ValueTask<AssetBinding?> FindByDeviceIdAsync(string iotDeviceId, CancellationToken cancellationToken) =>
        CachedAsync(_byDevice, iotDeviceId, id => store.FindByDeviceAsync(id, cancellationToken), cancellationToken);

    /// <summary>Drops cached bindings, after a write that may change them (a registration, a retirement, a release).</summary>
    public void Forget()
    {
        _byAsset.Clear();
        _byDevice.Clear();
    }

    public async Task AppendAsync(IReadOnlyList<AssetEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        await _events.AppendAsync([.. events.Select(e => AssetEventRow.From(e, now))], cancellationToken);
    }

    private async ValueTask<AssetBinding?> CachedAsync(
        ConcurrentDictionary<string, (AssetBinding? Binding, DateTimeOffset Until)> cache, string key, Func<string, Task<Asset?>> load, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (cache.TryGetValue(key, out var cached) && cached.Until > now)
        {
            return cached.Binding;
        }
        var asset = await load(key);
        var binding = asset is null ? null : Bind(asset, await plm.CatalogAsync(ct));
        cache[key] = (binding, now + CacheFor);
        return binding;
    }

    /// <summary>The limits that apply to a unit are those of the revision it was built to (or upgraded to), not the latest release.</summary>
    public static AssetBinding Bind(Asset asset, PlmCatalog catalog)
    {
        var revision = catalog.Find(asset.Item)?.FindRevision(asset.Revision);
        return new AssetBinding(asset.Id, asset.Serial.Value, asset.Item, asset.Revision, asset.IotDeviceId, asset.Site?.Value,
            asset.StatusIn(catalog) == AssetStatus.EndOfLife, revision?.Limits ?? []);
    }
}
