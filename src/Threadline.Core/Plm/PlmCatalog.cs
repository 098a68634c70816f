using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Threadline.Plm;

/// <summary>
/// An immutable snapshot of every item and revision: the as-designed truth that resolution, where-used and the
/// rules of every change are evaluated against. A change never mutates a snapshot; it returns the changed
/// <see cref="Item"/>, which the caller stores and folds into the next snapshot with <see cref="With(Item)"/>.
/// </summary>
public sealed partial class PlmCatalog
{
    private readonly ImmutableDictionary<string, Item> _items;
    private FrozenDictionary<string, Item>? _readIndex;
    private FrozenDictionary<string, string[]>? _parents;

    public PlmCatalog(IEnumerable<Item> items)
        : this(items.ToImmutableDictionary(i => i.Number, StringComparer.OrdinalIgnoreCase))
    {
    }

    private PlmCatalog(ImmutableDictionary<string, Item> items) => _items = items;

    public static PlmCatalog Empty { get; } = new(ImmutableDictionary.Create<string, Item>(StringComparer.OrdinalIgnoreCase));

    public int Count => _items.Count;

    public IEnumerable<Item> Items => _items.Values;

    // Reads go through a frozen copy, built once per snapshot: resolution does one lookup per BOM line and
    // the persistent dictionary that makes With() cheap is several times slower to read.
    private FrozenDictionary<string, Item> ReadIndex =>
        _readIndex ??= _items.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public Item? Find(string number) => ReadIndex.GetValueOrDefault(number.Trim());

    public Item Get(string number) => Find(number) ?? throw PlmRuleException.UnknownItem(number);

    public PlmCatalog With(Item item) => new(_items.SetItem(item.Number, item));

    public PlmCatalog With(IEnumerable<Item> items) => new(_items.SetItems(items.Select(i => KeyValuePair.Create(i.Number, i))));

    /// <summary>Item numbers of every item whose BOM, in any revision, names <paramref name="child"/>.</summary>
    internal IReadOnlyList<string> ParentsOf(string child)
    {
        _parents ??= _items.Values
            .SelectMany(p => p.Revisions.SelectMany(r => r.Bom).Select(l => (Child: l.Child, Parent: p.Number)))
            .Distinct()
            .GroupBy(x => x.Child, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Parent).ToArray(), StringComparer.OrdinalIgnoreCase);
        return _parents.GetValueOrDefault(child) ?? [];
    }
}
