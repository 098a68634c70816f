using Threadline.Common;

namespace Threadline.Plm;

/// <summary>
/// The question a resolution answers: which unit (serial), on which date (UTC instant), from which lot.
/// A serial or lot left out is not filtered on.
/// </summary>
public sealed record BomQuery(SerialNumber? Serial, DateTimeOffset At, string? Lot = null);

/// <summary>The as-designed structure of one item for one <see cref="BomQuery"/>.</summary>
public sealed record ResolvedBom(string Item, string Name, ItemKind Kind, string Revision, BomQuery Query, IReadOnlyList<ResolvedBomLine> Lines);

/// <summary>
/// One line of a resolved BOM. <see cref="Revision"/> is the child revision in effect on the date asked (or the
/// pinned one); it is null only when the child had no released revision then, which a release check normally prevents.
/// </summary>
public sealed record ResolvedBomLine(
    string FindNumber,
    string Item,
    string Name,
    ItemKind Kind,
    string? Revision,
    bool RevisionPinned,
    decimal Quantity,
    string Uom,
    EquatableList<string> ReferenceDesignators,
    Effectivity Effectivity,
    IReadOnlyList<ResolvedBomLine> Lines);

/// <summary>A parent that uses an item on a date, and (in <see cref="UsedIn"/>) the parents that use that parent.</summary>
public sealed record WhereUsedEntry(
    string Item,
    string Name,
    ItemKind Kind,
    string Revision,
    string FindNumber,
    decimal Quantity,
    Effectivity Effectivity,
    IReadOnlyList<WhereUsedEntry> UsedIn);

/// <summary>The total quantity of one item revision in a resolved structure, multiplied down every path.</summary>
public sealed record RollUpEntry(string Item, string Name, ItemKind Kind, string? Revision, string Uom, decimal Quantity);

public sealed partial class PlmCatalog
{
    /// <summary>
    /// The multi-level as-designed BOM: only lines in effect for the query, each child at the revision in effect on
    /// the date unless its line pins one. Throws when the item itself has no revision in effect on that date.
    /// </summary>
    public ResolvedBom ResolveBom(string number, BomQuery query)
    {
        var item = Get(number);
        var revision = item.RevisionInEffect(query.At) ?? throw NoRevisionInEffect(item, query.At);
        return new ResolvedBom(item.Number, item.Name, item.Kind, revision.Code, query, ResolveLines(revision, query, 1));
    }

    /// <summary>
    /// The multi-level BOM of one named revision (a unit built to revision C stays C after D is released): its
    /// lines filtered by the query, children at the revision in effect on the query's date unless pinned.
    /// </summary>
    public ResolvedBom ResolveBom(string number, string revisionCode, BomQuery query)
    {
        var item = Get(number);
        var revision = item.GetRevision(revisionCode);
        return new ResolvedBom(item.Number, item.Name, item.Kind, revision.Code, query, ResolveLines(revision, query, 1));
    }

    private IReadOnlyList<ResolvedBomLine> ResolveLines(ItemRevision revision, BomQuery query, int depth)
    {
        if (depth > MaxDepth)
        {
            throw PlmRuleException.Invalid("bom-too-deep", $"The structure is deeper than {MaxDepth} levels; the stored BOM data holds a cycle.");
        }
        // This runs once per node of structures of ten thousand lines, so it avoids what the rest of the catalog
        // can afford: an indexed loop (foreach over EquatableList boxes its enumerator) and one shared empty list
        // for the leaves, which are most of the nodes.
        var bom = revision.Bom;
        if (bom.Count == 0)
        {
            return [];
        }
        var children = ChildrenOf(revision);
        var lines = new List<ResolvedBomLine>(bom.Count);
        for (var i = 0; i < bom.Count; i++)
        {
            var line = bom[i];
            if (!line.Effectivity.AppliesTo(query.Serial, query.At, query.Lot))
            {
                continue;
            }
            var child = children[i] ?? ReadIndex[line.Child];
            var childRevision = line.PinnedRevision is { } pin ? child.FindRevision(pin) : child.RevisionInEffect(query.At);
            var childLines = childRevision is null ? [] : ResolveLines(childRevision, query, depth + 1);
            lines.Add(new ResolvedBomLine(line.FindNumber, child.Number, child.Name, child.Kind, childRevision?.Code,
                line.PinnedRevision is not null, line.Quantity, child.Uom, line.ReferenceDesignators, line.Effectivity, childLines));
        }
        return lines;
    }

    // The child item of every line of every revision, found once per snapshot: a case-insensitive lookup per
    // line was a third of a resolution's time. Keyed by reference, since a revision's record equality compares
    // its whole content. A child missing from the catalog stays null here and throws where it is used, as before.
    private Dictionary<ItemRevision, Item?[]> ChildIndex => _children ??= BuildChildIndex();

    private Dictionary<ItemRevision, Item?[]>? _children;

    private Item?[] ChildrenOf(ItemRevision revision) =>
        ChildIndex.TryGetValue(revision, out var children) ? children : [.. revision.Bom.Select(l => ReadIndex.GetValueOrDefault(l.Child))];

    private Dictionary<ItemRevision, Item?[]> BuildChildIndex()
    {
        var index = ReadIndex;
        var children = new Dictionary<ItemRevision, Item?[]>(ReferenceEqualityComparer.Instance);
        foreach (var item in index.Values)
        {
            foreach (var revision in item.Revisions)
            {
                if (revision.Bom.Count > 0)
                {
                    children[revision] = [.. revision.Bom.Select(l => index.GetValueOrDefault(l.Child))];
                }
            }
        }
        return children;
    }

    /// <summary>Every assembly and product whose revision in effect on the date uses the item, up to the top products.</summary>
    public IReadOnlyList<WhereUsedEntry> WhereUsed(string number, DateTimeOffset at)
    {
        var item = Get(number);
        return WhereUsed(item.Number, at, 1);
    }

    private List<WhereUsedEntry> WhereUsed(string number, DateTimeOffset at, int depth)
    {
        if (depth > MaxDepth)
        {
            throw PlmRuleException.Invalid("bom-too-deep", $"The structure is deeper than {MaxDepth} levels; the stored BOM data holds a cycle.");
        }
        var entries = new List<WhereUsedEntry>();
        foreach (var parent in ParentsOf(number).Select(Get).OrderBy(p => p.Number, StringComparer.OrdinalIgnoreCase))
        {
            if (parent.RevisionInEffect(at) is not { } revision)
            {
                continue;
            }
            List<WhereUsedEntry>? usedIn = null;
            foreach (var line in revision.Bom)
            {
                if (!string.Equals(line.Child, number, StringComparison.OrdinalIgnoreCase) || !line.Effectivity.AppliesOn(at))
                {
                    continue;
                }
                usedIn ??= WhereUsed(parent.Number, at, depth + 1);
                entries.Add(new WhereUsedEntry(parent.Number, parent.Name, parent.Kind, revision.Code, line.FindNumber, line.Quantity, line.Effectivity, usedIn));
            }
        }
        return entries;
    }

    /// <summary>The flat quantity roll-up of a resolved structure: one entry per item revision, ordered by item number.</summary>
    public static IReadOnlyList<RollUpEntry> RollUp(ResolvedBom bom)
    {
        var totals = new Dictionary<(string Item, string? Revision), RollUpEntry>();

        void Add(IReadOnlyList<ResolvedBomLine> lines, decimal multiplier)
        {
            foreach (var line in lines)
            {
                var quantity = line.Quantity * multiplier;
                var key = (line.Item, line.Revision);
                totals[key] = totals.TryGetValue(key, out var seen)
                    ? seen with { Quantity = seen.Quantity + quantity }
                    : new RollUpEntry(line.Item, line.Name, line.Kind, line.Revision, line.Uom, quantity);
                Add(line.Lines, quantity);
            }
        }

        Add(bom.Lines, 1m);
        return [.. totals.Values.OrderBy(e => e.Item, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Revision, StringComparer.OrdinalIgnoreCase)];
    }

    private static PlmRuleException NoRevisionInEffect(Item item, DateTimeOffset at)
    {
        var states = item.Revisions.Count == 0 ? "no revisions" : string.Join(", ", item.Revisions.Select(r =>
            r.EffectiveFrom is { } from ? $"{r.Code} {r.State} from {from:O}" : $"{r.Code} {r.State}"));
        return new PlmRuleException(RuleViolationKind.NotFound, "no-revision-in-effect",
            $"Item '{item.Number}' has no released revision in effect on {at:O} ({states}).");
    }
}
