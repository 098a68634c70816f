namespace Threadline.Features.Assets;

/// <summary>
/// Told after an asset's configuration changed (a replacement recorded, its as-built record replaced), so what follows
/// the configuration (the asset's twin) can read it again. Registered only by the features that need it; the installed
/// base works the same with none. A change is already stored when observers hear of it, and an observer that fails
/// must not fail the request that stored it.
/// </summary>
public interface IAssetConfigurationObserver
{
    Task ConfigurationChangedAsync(string assetId, CancellationToken cancellationToken);
}
