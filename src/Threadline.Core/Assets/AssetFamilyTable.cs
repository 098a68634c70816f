using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>
/// The federation table: which PLM holds each product family. Families of this server's own items (their family
/// attribute) are local unless an entry says otherwise; entries add external PLMs and per-family ID patterns.
/// A look-up routes an asset ID by its longest matching prefix; an ID no prefix matches is reported, never guessed.
/// </summary>
public sealed class AssetFamilyTable
{
    private readonly Dictionary<string, AssetFamily> _byPrefix;
    private readonly List<AssetFamily> _longestFirst;

    public AssetFamilyTable(IEnumerable<AssetFamily> entries, PlmCatalog catalog)
    {
        _byPrefix = new Dictionary<string, AssetFamily>(StringComparer.OrdinalIgnoreCase);
        foreach (var family in catalog.Items.Select(i => i.Family).OfType<string>().Where(f => f.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (AssetFamily.Problem(family, null, AssetFamily.DefaultPattern, AssetFamily.DefaultSerialDigits) is null)
            {
                _byPrefix[family] = new AssetFamily(family.ToUpperInvariant());
            }
        }
        foreach (var entry in entries)
        {
            _byPrefix[entry.Prefix] = entry;
        }
        _longestFirst = [.. _byPrefix.Values.OrderByDescending(f => f.Prefix.Length)];
    }

    public IReadOnlyCollection<AssetFamily> Families => _longestFirst;

    public AssetFamily? Find(string prefix) => _byPrefix.GetValueOrDefault(prefix.Trim());

    /// <summary>The family whose prefix starts this ID (compared without case or separators), longest prefix first.</summary>
    public AssetFamily? Route(string assetId)
    {
        var compact = AssetFamily.Compact(assetId);
        return _longestFirst.FirstOrDefault(f => compact.StartsWith(AssetFamily.Compact(f.Prefix), StringComparison.Ordinal));
    }

    /// <summary>The local family of an item, from its family attribute; throws when it has none or it is held elsewhere.</summary>
    public AssetFamily FamilyOf(Item item)
    {
        if (item.Family is null || Find(item.Family) is not { } family)
        {
            throw PlmRuleException.Invalid("item-without-family",
                $"Item '{item.Number}' has no product family, so its units cannot be given asset IDs; set the item's family first.");
        }
        if (!family.IsLocal)
        {
            throw PlmRuleException.Conflict("external-family",
                $"Family {family.Prefix} is held by the PLM at {family.PlmUrl}; register its units there.");
        }
        return family;
    }
}
