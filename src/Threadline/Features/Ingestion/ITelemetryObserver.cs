using Threadline.Features.Assets;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Sees every point the pipeline accepts for a known asset, whatever its class, before it is queued for the store
/// (the twin runtime). Must not block: a slow observer must buffer or drop, never stall ingestion.
/// </summary>
public interface ITelemetryObserver
{
    void Observe(AssetBinding binding, TelemetryPoint point);
}
