using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// With twins running, a unit's twin is the one judge of the design limits on the signals its model declares
/// (deadband, on-delay, suppression while stopped); ingestion keeps watching the limits on any other signal.
/// </summary>
internal sealed class TwinLimitJudge : ILimitJudge
{
    public bool JudgesLimitsOf(AssetBinding binding, string signal)
    {
        if (TwinModelCatalog.Default.Find(binding.AssetId) is not { } family)
        {
            return false;
        }
        foreach (var declared in family.Signals)
        {
            if (string.Equals(declared.Name, signal, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
