using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>An installed field-replaceable component that the service BOM of the unit's revision does not allow there.</summary>
public sealed record ServiceBomMismatch(string AssetId, string Path, string? Installed, string? InstalledRevision, IReadOnlyList<string> Allowed);

/// <summary>
/// The seed metric "service BOM accuracy" (target 95% or more): of the field-replaceable positions of the units
/// (the positions their revision's service BOM covers and that the unit has), the share whose installed item is the
/// covered item or one of its listed service parts.
/// </summary>
public sealed record ServiceBomAccuracyReport(int Positions, int Matching, IReadOnlyList<ServiceBomMismatch> Mismatches)
{
    public const double Target = 0.95;

    public double Accuracy => Positions == 0 ? 1 : (double)Matching / Positions;

    public bool MeetsTarget => Accuracy >= Target;

    public static ServiceBomAccuracyReport Measure(IEnumerable<(AssetConfiguration Configuration, ItemRevision Revision)> units)
    {
        var positions = 0;
        var matching = 0;
        var mismatches = new List<ServiceBomMismatch>();
        foreach (var (configuration, revision) in units)
        {
            foreach (var entry in revision.ServiceBom)
            {
                if (configuration.Find(entry.FindNumberPath) is not { DesignedItem: not null } node)
                {
                    continue;
                }
                positions++;
                IReadOnlyList<string> allowed = [entry.Item, .. entry.ServiceParts];
                if (allowed.Contains(node.InstalledItem ?? "", StringComparer.OrdinalIgnoreCase))
                {
                    matching++;
                }
                else
                {
                    mismatches.Add(new ServiceBomMismatch(configuration.AssetId, node.Path, node.InstalledItem, node.InstalledRevision, allowed));
                }
            }
        }
        return new ServiceBomAccuracyReport(positions, matching, mismatches);
    }
}
