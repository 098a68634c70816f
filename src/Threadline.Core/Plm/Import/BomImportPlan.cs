namespace Threadline.Plm.Import;

/// <summary>
/// Applies parsed BOM rows to a catalog: creates missing items and revisions, writes each parent revision's BOM,
/// then releases revisions that carry a release date, children before parents. The unit of acceptance is one parent
/// revision: if any of its rows is refused, none of them is applied, so no BOM is ever half-loaded. Re-running the
/// same file finds everything already in place and changes nothing.
/// </summary>
public static class BomImportPlan
{
    public static (IReadOnlyList<Item> Changed, BomImportReport Report) Apply(
        PlmCatalog catalog, IReadOnlyList<BomImportRow> rows, IReadOnlyList<RejectedRow> parseErrors, DateTimeOffset now)
    {
        var working = catalog;
        var changed = new Dictionary<string, Item>(StringComparer.OrdinalIgnoreCase);
        var rejected = new List<RejectedRow>(parseErrors);
        int itemsCreated = 0, revisionsCreated = 0, bomsWritten = 0, bomsUnchanged = 0, released = 0;

        void Keep(Item item)
        {
            changed[item.Number] = item;
            working = working.With(item);
        }

        var groups = rows.GroupBy(r => (Parent: r.Parent.ToUpperInvariant(), Revision: r.ParentRevision.ToUpperInvariant())).ToList();
        var childKinds = rows.GroupBy(r => r.BomLine.Child, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        foreach (var group in groups)
        {
            var groupRows = group.ToList();
            var before = working;
            var beforeChanged = new Dictionary<string, Item>(changed, StringComparer.OrdinalIgnoreCase);
            var counts = (itemsCreated, revisionsCreated, bomsWritten, bomsUnchanged);
            try
            {
                if (parseErrors.FirstOrDefault(e => string.Equals(e.Parent, group.Key.Parent, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(e.ParentRevision, group.Key.Revision, StringComparison.OrdinalIgnoreCase)) is { } broken)
                {
                    throw PlmRuleException.Invalid("incomplete-bom", $"Line {broken.Line} of the same parent revision was refused");
                }
                RequireConsistent(groupRows);
                var first = groupRows[0];
                foreach (var row in groupRows)
                {
                    EnsureRevision(row.BomLine.Child, row.ChildRevision, () => new NewItem(row.BomLine.Child, row.ChildName, row.ChildKind, row.ChildUom, null, row.ChildRevision));
                }
                var parentKind = childKinds.TryGetValue(first.Parent, out var asChild) ? asChild.ChildKind : ItemKind.Product;
                EnsureRevision(first.Parent, first.ParentRevision, () => new NewItem(first.Parent, first.ParentName ?? asChild?.ChildName ?? first.Parent, parentKind, null, null, first.ParentRevision));

                var parent = working.Get(first.Parent);
                var revision = parent.GetRevision(first.ParentRevision);
                var lines = groupRows.Select(r => r.BomLine).ToList();
                if (working.NormaliseBom(parent, lines) == revision.Bom)
                {
                    bomsUnchanged++;
                }
                else
                {
                    Keep(working.SetBom(parent.Number, revision.Code, lines));
                    bomsWritten++;
                }
            }
            catch (PlmRuleException ex)
            {
                working = before;
                changed.Clear();
                foreach (var kv in beforeChanged)
                {
                    changed[kv.Key] = kv.Value;
                }
                (itemsCreated, revisionsCreated, bomsWritten, bomsUnchanged) = counts;
                rejected.AddRange(groupRows.Select(r => new RejectedRow(r.Line, $"{ex.Message} (all {groupRows.Count} rows of {group.First().Parent} revision {group.First().ParentRevision} were left out)")));
            }
        }

        // Releases after every BOM is in place, deepest first, so that a parent's children check sees them released.
        var rejectedLines = rejected.Select(r => r.Line).ToHashSet();
        var heights = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var releases = rows.Where(r => !rejectedLines.Contains(r.Line))
            .SelectMany(r => new[] { (Item: r.BomLine.Child, Revision: r.ChildRevision, At: r.ChildReleased, r.Line), (Item: r.Parent, Revision: r.ParentRevision, At: r.ParentReleased, r.Line) })
            .Where(x => x.At is not null)
            .GroupBy(x => (x.Item.ToUpperInvariant(), x.Revision.ToUpperInvariant()))
            .Select(g => g.First())
            .OrderBy(x => Height(working, x.Item, heights))
            .ThenBy(x => x.At)
            .ToList();
        foreach (var release in releases)
        {
            var revision = working.Get(release.Item).GetRevision(release.Revision);
            if (Lifecycle.WasReleased(revision.State))
            {
                if (revision.EffectiveFrom != release.At)
                {
                    rejected.Add(new RejectedRow(release.Line, $"Revision {revision.Code} of '{release.Item}' was already released effective {revision.EffectiveFrom:O}, not {release.At:O}; the stored date was kept."));
                }
                continue;
            }
            try
            {
                Keep(working.Release(release.Item, release.Revision, release.At!.Value));
                released++;
            }
            catch (PlmRuleException ex)
            {
                rejected.Add(new RejectedRow(release.Line, $"Release refused, revision left as {revision.State}: {ex.Message}"));
            }
        }

        var report = new BomImportReport(rows.Count + parseErrors.Count, itemsCreated, revisionsCreated, bomsWritten, bomsUnchanged, released,
            [.. rejected.OrderBy(r => r.Line)]);
        return ([.. changed.Values], report);

        void EnsureRevision(string number, string code, Func<NewItem> spec)
        {
            var item = working.Find(number);
            if (item is null)
            {
                Keep(working.CreateItem(spec(), now));
                itemsCreated++;
                revisionsCreated++;
                return;
            }
            if (item.FindRevision(code) is null)
            {
                Keep(working.CreateNextRevision(number, code, now));
                revisionsCreated++;
            }
        }
    }

    private static void RequireConsistent(List<BomImportRow> rows)
    {
        var first = rows[0];
        foreach (var row in rows)
        {
            if (row.ParentReleased != first.ParentReleased)
            {
                throw PlmRuleException.Invalid("inconsistent-release", $"Line {row.Line} gives parent_released {row.ParentReleased:O} but line {first.Line} gives {first.ParentReleased:O} for the same revision.");
            }
        }
    }

    /// <summary>Length of the longest chain of children below an item: leaves are 0, so ordering by it releases leaves first.</summary>
    private static int Height(PlmCatalog catalog, string number, Dictionary<string, int> memo, int guard = 0)
    {
        if (memo.TryGetValue(number, out var height))
        {
            return height;
        }
        var children = catalog.Find(number)?.Revisions.SelectMany(r => r.Bom).Select(l => l.Child).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];
        height = guard > PlmCatalog.MaxDepth || children.Count == 0 ? 0 : 1 + children.Max(c => Height(catalog, c, memo, guard + 1));
        memo[number] = height;
        return height;
    }
}
