using System.Collections.Concurrent;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Features.Plm;
using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// With twins running, a unit's twin is the one judge of the design limits on the signals its model declares
/// (deadband, on-delay, suppression while stopped); ingestion keeps watching the limits on any other signal. The model
/// is the one the unit's twin runs (<see cref="TwinModelResolver"/>), looked up once per revision and PLM snapshot,
/// since this is asked for every point.
/// </summary>
internal sealed class TwinLimitJudge(PlmService plm, TwinModelResolver models) : ILimitJudge
{
    private readonly ConcurrentDictionary<(string Item, string Revision), (PlmCatalog Catalog, TwinModel? Model)> _models = new();

    public bool JudgesLimitsOf(AssetBinding binding, string signal)
    {
        if (plm.Cached?.Catalog is not { } catalog)
        {
            return false;
        }
        var key = (binding.Item, binding.Revision);
        if (!_models.TryGetValue(key, out var known) || !ReferenceEquals(known.Catalog, catalog))
        {
            known = (catalog, Resolve(catalog, binding));
            _models[key] = known;
        }
        return known.Model is { } model && model.IndexOf(signal) >= 0;
    }

    private TwinModel? Resolve(PlmCatalog catalog, AssetBinding binding)
    {
        try
        {
            return catalog.Find(binding.Item) is { } item ? models.ModelFor(item, binding.Revision) : null;
        }
        catch (PlmRuleException)
        {
            // A unit whose twin cannot be built is still watched: ingestion judges its limits.
            return null;
        }
    }
}
