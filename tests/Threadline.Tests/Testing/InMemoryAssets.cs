using System.Collections.Concurrent;
using Threadline.Events;
using Threadline.Features.Assets;

namespace Threadline.Testing;

/// <summary>
/// A small installed base in memory for ingestion tests, standing in for the real IAssetLookup/IAssetEventLog
/// until they are on this branch. Register one instance as both services.
/// </summary>
public sealed class InMemoryAssets : IAssetLookup, IAssetEventLog
{
    private readonly ConcurrentDictionary<string, AssetBinding> _byAsset = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AssetEvent> _events = new();

    public IReadOnlyList<AssetEvent> Events => [.. _events];

    public InMemoryAssets Add(AssetBinding binding)
    {
        _byAsset[binding.AssetId] = binding;
        return this;
    }

    public ValueTask<AssetBinding?> FindByAssetIdAsync(string assetId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_byAsset.GetValueOrDefault(assetId));

    public ValueTask<AssetBinding?> FindByDeviceIdAsync(string iotDeviceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_byAsset.Values.FirstOrDefault(b => string.Equals(b.IotDeviceId, iotDeviceId, StringComparison.Ordinal)));

    public Task AppendAsync(IReadOnlyList<AssetEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            _events.Enqueue(e);
        }
        return Task.CompletedTask;
    }
}
