using Threadline.Assets;
using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>The declared twin families, found by family prefix (or by an asset id that starts with one), case-insensitively.</summary>
public sealed class TwinModelCatalog(IEnumerable<TwinFamilyModel> families)
{
    private readonly TwinFamilyModel[] _families = [.. families.OrderByDescending(f => f.FamilyPrefix.Length)];

    /// <summary>The families this build declares: the CP-4720 pump.</summary>
    public static TwinModelCatalog Default { get; } = new([Pump4720Twin.Model]);

    public IReadOnlyList<TwinFamilyModel> Families => _families;

    /// <summary>
    /// The twin model of a registered unit: its family's declaration (by the asset's family) bound to the limits of the
    /// revision the asset records. Null when no twin family is declared for it; an item or revision PLM does not know is a
    /// <see cref="PlmRuleException"/>.
    /// </summary>
    public TwinModel? ModelFor(PlmCatalog catalog, Asset asset) =>
        (Find(asset.Family) ?? Find(asset.Id)) is { } family ? TwinModel.For(family, catalog.Get(asset.Item), asset.Revision) : null;

    /// <summary>The family whose prefix is the given family or starts the given asset id (longest prefix wins), or null.</summary>
    public TwinFamilyModel? Find(string familyOrAssetId) =>
        _families.FirstOrDefault(f =>
            familyOrAssetId.StartsWith(f.FamilyPrefix, StringComparison.OrdinalIgnoreCase)
            && (familyOrAssetId.Length == f.FamilyPrefix.Length || familyOrAssetId[f.FamilyPrefix.Length] == '-'));
}
