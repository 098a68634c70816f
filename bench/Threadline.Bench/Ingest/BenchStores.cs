using Threadline.Features.Assets;
using Threadline.Features.Telemetry;
using Threadline.Plm;
using Threadline.Telemetry;

namespace Threadline.Bench.Ingest;

/// <summary>One asset per publisher, with a design limit so the limit check runs on every point.</summary>
internal sealed class BenchAssets(int count) : IAssetLookup, IAssetEventLog
{
    private readonly Dictionary<string, AssetBinding> _assets = Enumerable.Range(0, Math.Max(count, 1)).ToDictionary(AssetId, i => new AssetBinding(
        AssetId(i), $"SN{i:00000}", "CP-4720", "C", $"bench-dev-{i}", "bench/site-1/area-1/line-1", false,
        [new DesignLimit("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Warning)]));

    public static string AssetId(int i) => $"BENCH-PUMP-{i:0000}";

    public ValueTask<AssetBinding?> FindByAssetIdAsync(string assetId, CancellationToken cancellationToken) => ValueTask.FromResult(_assets.GetValueOrDefault(assetId));

    public ValueTask<AssetBinding?> FindByDeviceIdAsync(string iotDeviceId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_assets.Values.FirstOrDefault(a => a.IotDeviceId == iotDeviceId));

    public Task AppendAsync(IReadOnlyList<AssetLifecycleEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Used only when the server registers no ITelemetryStore: keeps points in memory, deduplicated like a real store.</summary>
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
