using Threadline.Events;
using Threadline.Plm;

namespace Threadline.Features.Assets;

/// <summary>
/// What the ingestion path needs to know about an asset to act on its telemetry: which PLM record it is (item and
/// the revision in effect for its serial now) and that revision's design limits.
/// </summary>
public sealed record AssetBinding(
    string AssetId,
    string Serial,
    string Item,
    string Revision,
    string? IotDeviceId,
    string? SitePath,
    bool EndOfLife,
    IReadOnlyList<DesignLimit> Limits);

/// <summary>Finds assets by the keys telemetry carries: the asset ID in a UNS topic, or a device's IoT id.</summary>
public interface IAssetLookup
{
    ValueTask<AssetBinding?> FindByAssetIdAsync(string assetId, CancellationToken cancellationToken);

    ValueTask<AssetBinding?> FindByDeviceIdAsync(string iotDeviceId, CancellationToken cancellationToken);
}

/// <summary>Appends typed events (alerts, presence, signal events) to asset records.</summary>
public interface IAssetEventLog
{
    Task AppendAsync(IReadOnlyList<AssetEvent> events, CancellationToken cancellationToken);
}

/// <summary>
/// Identifiers telemetry arrived with that the installed base does not know (asset IDs in UNS topics, IoT device ids);
/// the validation gate lists them, so a device sending into the void is seen, never silently dropped.
/// </summary>
public interface IUnknownTelemetrySources
{
    IReadOnlyList<string> UnknownAssetIds();

    IReadOnlyList<string> UnknownDeviceIds();
}
