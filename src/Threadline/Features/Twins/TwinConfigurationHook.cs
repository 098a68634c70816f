using Threadline.Features.Assets;

namespace Threadline.Features.Twins;

/// <summary>
/// Hands a change of an asset's configuration (a replacement recorded, the as-built record replaced) to its twin, which
/// reads the configuration again without a restart. Registered only when the twin runtime runs.
/// </summary>
public sealed class TwinConfigurationHook(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<TwinConfigurationHook> logger)
    : IAssetConfigurationObserver
{
    public async Task ConfigurationChangedAsync(string assetId, CancellationToken cancellationToken)
    {
        // Before the server has started (the demo seeds its fleet then) the silo takes no calls and no twin is active:
        // a twin reads the configuration when it activates anyway. The same once it is stopping.
        if (!lifetime.ApplicationStarted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }
        try
        {
            await grains.GetGrain<ITwinGrain>(assetId).ConfigurationChangedAsync().WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change is stored; the twin will read it at its next activation.
            logger.LogWarning(ex, "The twin of {AssetId} could not take in its new configuration", assetId);
        }
    }
}
