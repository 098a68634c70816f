using System.Text.RegularExpressions;
using Threadline.Common;

namespace Threadline.Plm;

/// <summary>What a user gives to create an item; the first revision is a Draft (A unless named).</summary>
public sealed record NewItem(string Number, string Name, ItemKind Kind, string? Uom = null, string? Family = null, string? FirstRevision = null);

public sealed partial class PlmCatalog
{
    private static readonly Regex ItemNumberPattern = new("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant);
    private static readonly Regex SignalPattern = new("^[A-Za-z][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant);

    /// <summary>Deepest product structure accepted; deeper means corrupt data, not a real product.</summary>
    public const int MaxDepth = 64;

    public Item CreateItem(NewItem spec, DateTimeOffset now)
    {
        var number = spec.Number?.Trim() ?? "";
        if (!ItemNumberPattern.IsMatch(number))
        {
            throw PlmRuleException.Invalid("invalid-item-number",
                $"Item number '{spec.Number}' is not valid: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
        if (Find(number) is { } existing)
        {
            throw PlmRuleException.Conflict("duplicate-item", $"Item '{existing.Number}' already exists.");
        }
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            throw PlmRuleException.Invalid("missing-name", $"Item '{number}' needs a name.");
        }
        var firstRevision = spec.FirstRevision?.Trim() ?? RevisionSequence.First;
        RequireValidRevisionCode(firstRevision);
        return new Item(number, spec.Name.Trim(), spec.Kind, string.IsNullOrWhiteSpace(spec.Uom) ? "ea" : spec.Uom.Trim(),
            string.IsNullOrWhiteSpace(spec.Family) ? null : spec.Family.Trim(), [ItemRevision.NewDraft(firstRevision, now)]);
    }

    /// <summary>Opens the next Draft, copying the content of the latest revision so that a change starts from what is there.</summary>
    public Item CreateNextRevision(string number, string? code, DateTimeOffset now)
    {
        var item = Get(number);
        if (item.WorkingRevision is { } working)
        {
            throw PlmRuleException.Conflict("revision-in-work",
                $"Item '{item.Number}' already has revision {working.Code} in {working.State}; release it or withdraw it before opening another.");
        }
        var latest = item.Revisions.Count > 0 ? item.Revisions[^1] : null;
        var nextCode = code?.Trim();
        if (string.IsNullOrEmpty(nextCode))
        {
            nextCode = latest is null ? RevisionSequence.First : RevisionSequence.Next(latest.Code)
                ?? throw PlmRuleException.Invalid("revision-code-required",
                    $"Revision code '{latest.Code}' follows no known sequence; give the next code explicitly.");
        }
        RequireValidRevisionCode(nextCode);
        if (item.FindRevision(nextCode) is not null)
        {
            throw PlmRuleException.Conflict("duplicate-revision", $"Item '{item.Number}' already has a revision '{nextCode}'.");
        }
        var draft = ItemRevision.NewDraft(nextCode, now);
        if (latest is not null)
        {
            draft = draft with { Bom = latest.Bom, Limits = latest.Limits, ServiceBom = latest.ServiceBom, TwinModel = latest.TwinModel };
        }
        return item.WithRevision(draft);
    }

    public Item SetBom(string number, string revision, IReadOnlyList<BomLine> lines)
    {
        var (item, rev) = GetEditable(number, revision);
        if (item.Kind == ItemKind.Part && lines.Count > 0)
        {
            throw PlmRuleException.Invalid("part-has-no-bom", $"Item '{item.Number}' is a part; only assemblies and products carry BOM lines.");
        }
        return item.WithRevision(rev with { Bom = NormaliseBom(item, lines) });
    }

    /// <summary>Checks BOM lines for a parent against every rule except editability, and returns them in their stored form and order.</summary>
    public EquatableList<BomLine> NormaliseBom(Item parent, IReadOnlyList<BomLine> lines)
    {
        var normalised = new List<BomLine>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            normalised.Add(ValidateLine(parent, lines[i], i + 1));
        }
        RequireNoOverlaps(parent, normalised);
        RequireNoCycle(parent, normalised);
        normalised.Sort(CompareLines);
        return normalised;
    }

    public Item SetLimits(string number, string revision, IReadOnlyList<DesignLimit> limits)
    {
        var (item, rev) = GetEditable(number, revision);
        var normalised = new List<DesignLimit>(limits.Count);
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var where = $"Limit {i + 1} ('{limit.Signal}')";
            if (limit.Signal is null || !SignalPattern.IsMatch(limit.Signal))
            {
                throw PlmRuleException.Invalid("invalid-signal", $"{where}: a signal name starts with a letter and holds only letters, digits, '_', '.' or '-'.");
            }
            if (limit.Min is null && limit.Max is null)
            {
                throw PlmRuleException.Invalid("limit-without-bound", $"{where}: give a min, a max or both.");
            }
            if (limit.Min is { } min && limit.Max is { } max && min > max)
            {
                throw PlmRuleException.Invalid("limit-inverted", $"{where}: min {min} is greater than max {max}.");
            }
            if ((limit.Min is { } m && !double.IsFinite(m)) || (limit.Max is { } x && !double.IsFinite(x)))
            {
                throw PlmRuleException.Invalid("limit-not-finite", $"{where}: bounds must be finite numbers.");
            }
            if (string.IsNullOrWhiteSpace(limit.Unit))
            {
                throw PlmRuleException.Invalid("limit-without-unit", $"{where}: a limit needs its unit (for example mm/s).");
            }
            if (normalised.Any(l => string.Equals(l.Signal, limit.Signal, StringComparison.OrdinalIgnoreCase) && l.Severity == limit.Severity))
            {
                throw PlmRuleException.Invalid("duplicate-limit", $"{where}: signal '{limit.Signal}' already has a {limit.Severity} limit on this revision.");
            }
            normalised.Add(limit with { Signal = limit.Signal.Trim(), Unit = limit.Unit.Trim() });
        }
        if (rev.TwinModel is { } document)
        {
            Twins.TwinModel.RequireLimitUnits(document, normalised, item.Number, rev.Code);
        }
        return item.WithRevision(rev with { Limits = normalised });
    }

    /// <summary>
    /// Sets (or with null removes) the twin model document of an editable revision. The document's own rules (formulas,
    /// references between its parts) are checked by compiling it before this is called (Threadline.TwinModels), since
    /// the formula language is parsed outside the domain; here only what PLM decides: the revision must be editable.
    /// </summary>
    public Item SetTwinModel(string number, string revision, Twins.TwinModelDocument? document)
    {
        var (item, rev) = GetEditable(number, revision);
        if (document is not null)
        {
            Twins.TwinModel.RequireLimitUnits(document, rev.Limits, item.Number, rev.Code);
        }
        return item.WithRevision(rev with { TwinModel = document });
    }

    public Item SetServiceBom(string number, string revision, IReadOnlyList<ServiceBomEntry> entries)
    {
        var (item, rev) = GetEditable(number, revision);
        var normalised = new List<ServiceBomEntry>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var where = $"Service BOM entry {i + 1} (find number '{entry.FindNumberPath}')";
            if (string.IsNullOrWhiteSpace(entry.FindNumberPath))
            {
                throw PlmRuleException.Invalid("missing-find-number", $"Service BOM entry {i + 1}: name the eBOM line it covers with a find number path such as '20/10'.");
            }
            var covered = Find(entry.Item) ?? throw PlmRuleException.Invalid("unknown-item", $"{where}: item '{entry.Item}' does not exist.");
            RequirePathCovers(rev, entry.FindNumberPath, covered.Number, where);
            if (entry.ReplacementIntervalHours is { } hours && (!double.IsFinite(hours) || hours <= 0))
            {
                throw PlmRuleException.Invalid("invalid-interval", $"{where}: the replacement interval must be a positive number of operating hours.");
            }
            var parts = new List<string>();
            foreach (var part in entry.ServiceParts)
            {
                parts.Add((Find(part) ?? throw PlmRuleException.Invalid("unknown-item", $"{where}: service part '{part}' does not exist.")).Number);
            }
            if (normalised.Any(e => e.FindNumberPath == entry.FindNumberPath))
            {
                throw PlmRuleException.Invalid("duplicate-service-entry", $"{where}: the line is already covered by another entry.");
            }
            normalised.Add(entry with { Item = covered.Number, ServiceParts = parts, FindNumberPath = string.Join('/', entry.FindNumbers) });
        }
        return item.WithRevision(rev with { ServiceBom = normalised });
    }

    /// <summary>
    /// Releases a Draft or InReview revision, in effect from <paramref name="effectiveFrom"/> (UTC), and supersedes
    /// the revision that was current. Every child must already have a released revision for the dates its line applies.
    /// </summary>
    public Item Release(string number, string revision, DateTimeOffset effectiveFrom)
    {
        var item = Get(number);
        var rev = item.GetRevision(revision);
        if (rev.State is not (LifecycleState.Draft or LifecycleState.InReview))
        {
            throw PlmRuleException.Conflict("not-releasable", $"Revision {rev.Code} of '{item.Number}' is {rev.State}; only a Draft or InReview revision can be released.");
        }
        var later = item.Revisions.Where(r => r.EffectiveFrom >= effectiveFrom).ToList();
        if (later.Count > 0)
        {
            throw PlmRuleException.Conflict("release-out-of-order",
                $"Revision {later[0].Code} of '{item.Number}' takes effect on {later[0].EffectiveFrom:O}; revision {rev.Code} must take effect after it, not on {effectiveFrom:O}.");
        }
        var missing = UnreleasedChildren(rev, effectiveFrom).ToList();
        if (missing.Count > 0)
        {
            throw PlmRuleException.Conflict("unreleased-children",
                $"Cannot release revision {rev.Code} of '{item.Number}' effective {effectiveFrom:O}: {string.Join("; ", missing)}.");
        }
        var released = item.WithRevision(rev with { State = LifecycleState.Released, EffectiveFrom = effectiveFrom });
        if (item.CurrentRelease is { } current)
        {
            released = released.WithRevision(current with { State = LifecycleState.Superseded, SupersededAt = effectiveFrom });
        }
        return released;
    }

    /// <summary>Moves a revision along the lifecycle for every step other than release (see <see cref="Lifecycle.CanMove"/>).</summary>
    public Item MoveTo(string number, string revision, LifecycleState target)
    {
        var item = Get(number);
        var rev = item.GetRevision(revision);
        if (target is LifecycleState.Released)
        {
            throw PlmRuleException.Invalid("use-release", "Release a revision through its release action, which takes the effective date.");
        }
        if (!Lifecycle.CanMove(rev.State, target))
        {
            var allowed = Enum.GetValues<LifecycleState>().Where(s => Lifecycle.CanMove(rev.State, s)).ToList();
            throw PlmRuleException.Conflict("illegal-transition",
                $"Revision {rev.Code} of '{item.Number}' is {rev.State}; it cannot move to {target}. Allowed: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}.");
        }
        return item.WithRevision(rev with { State = target });
    }

    private (Item Item, ItemRevision Revision) GetEditable(string number, string revision)
    {
        var item = Get(number);
        var rev = item.GetRevision(revision);
        if (!Lifecycle.IsEditable(rev.State))
        {
            throw PlmRuleException.Conflict("revision-not-editable",
                $"Revision {rev.Code} of '{item.Number}' is {rev.State}; only a Draft can be edited. Open a new revision to change it.");
        }
        return (item, rev);
    }

    private static void RequireValidRevisionCode(string code)
    {
        if (!RevisionSequence.IsValidCode(code))
        {
            throw PlmRuleException.Invalid("invalid-revision-code", $"Revision code '{code}' is not valid: use 1 to 8 letters, digits, '.' or '-'.");
        }
    }

    private BomLine ValidateLine(Item parent, BomLine line, int position)
    {
        var where = $"BOM line {position} (find number '{line.FindNumber}', child '{line.Child}')";
        if (string.IsNullOrWhiteSpace(line.FindNumber))
        {
            throw PlmRuleException.Invalid("missing-find-number", $"BOM line {position}: a find number is required.");
        }
        if (line.FindNumber.Contains('/', StringComparison.Ordinal))
        {
            throw PlmRuleException.Invalid("invalid-find-number", $"{where}: a find number cannot contain '/'.");
        }
        var child = Find(line.Child ?? "") ?? throw PlmRuleException.Invalid("unknown-item", $"{where}: item '{line.Child}' does not exist.");
        if (string.Equals(child.Number, parent.Number, StringComparison.OrdinalIgnoreCase))
        {
            throw PlmRuleException.Invalid("bom-cycle", $"{where}: an item cannot contain itself.");
        }
        if (line.Quantity <= 0)
        {
            throw PlmRuleException.Invalid("invalid-quantity", $"{where}: quantity must be greater than zero, not {line.Quantity}.");
        }
        string? pinned = null;
        if (line.PinnedRevision is { Length: > 0 } pin)
        {
            pinned = (child.FindRevision(pin) ?? throw PlmRuleException.Invalid("unknown-revision", $"{where}: item '{child.Number}' has no revision '{pin}' to pin.")).Code;
        }
        if (line.Effectivity.Problem() is { } problem)
        {
            throw PlmRuleException.Invalid("effectivity-inverted", $"{where}: {problem}.");
        }
        return line with
        {
            FindNumber = line.FindNumber.Trim(),
            Child = child.Number,
            PinnedRevision = pinned,
            ReferenceDesignators = line.ReferenceDesignators.Select(r => r.Trim()).Where(r => r.Length > 0).ToList(),
        };
    }

    private static void RequireNoOverlaps(Item parent, List<BomLine> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            for (var j = i + 1; j < lines.Count; j++)
            {
                var (a, b) = (lines[i], lines[j]);
                if (a.FindNumber == b.FindNumber
                    && string.Equals(a.Child, b.Child, StringComparison.OrdinalIgnoreCase)
                    && a.Effectivity.Overlaps(b.Effectivity))
                {
                    throw PlmRuleException.Invalid("effectivity-overlap",
                        $"BOM of '{parent.Number}': lines {i + 1} and {j + 1} both put '{a.Child}' at find number '{a.FindNumber}' for overlapping effectivity ({a.Effectivity} and {b.Effectivity}); a unit would get it twice.");
                }
            }
        }
    }

    private void RequireNoCycle(Item parent, List<BomLine> lines)
    {
        foreach (var child in lines.Select(l => l.Child).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (PathBetween(child, parent.Number) is { } path)
            {
                throw PlmRuleException.Invalid("bom-cycle",
                    $"Adding '{child}' to '{parent.Number}' would make a cycle: {parent.Number} → {string.Join(" → ", path)}.");
            }
        }
    }

    /// <summary>A chain of items from <paramref name="from"/> down to <paramref name="to"/> through any revision's BOM, or null.</summary>
    private List<string>? PathBetween(string from, string to)
    {
        var visited = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var path = new List<string>();

        bool Walk(string number)
        {
            path.Add(number);
            if (string.Equals(number, to, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (visited.Add(number) && Find(number) is { } item)
            {
                foreach (var child in item.Revisions.SelectMany(r => r.Bom).Select(l => l.Child).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    if (Walk(child))
                    {
                        return true;
                    }
                }
            }
            path.RemoveAt(path.Count - 1);
            return false;
        }

        return Walk(from) ? path : null;
    }

    private IEnumerable<string> UnreleasedChildren(ItemRevision rev, DateTimeOffset effectiveFrom)
    {
        foreach (var line in rev.Bom)
        {
            if (line.Effectivity.DateTo is { } until && until <= effectiveFrom)
            {
                continue;
            }
            var at = line.Effectivity.DateFrom is { } from && from > effectiveFrom ? from : effectiveFrom;
            var child = Get(line.Child);
            if (line.PinnedRevision is { } pin)
            {
                var pinned = child.GetRevision(pin);
                if (!Lifecycle.WasReleased(pinned.State) || pinned.EffectiveFrom > at)
                {
                    yield return $"line {line.FindNumber} pins '{child.Number}' revision {pinned.Code}, which is {pinned.State}{(pinned.EffectiveFrom is { } e ? $" from {e:O}" : "")}";
                }
            }
            else if (child.RevisionInEffect(at) is null)
            {
                var states = string.Join(", ", child.Revisions.Select(r => $"{r.Code} {r.State}"));
                yield return $"line {line.FindNumber} uses '{child.Number}', which has no revision released on {at:O} ({states})";
            }
        }
    }

    private void RequirePathCovers(ItemRevision rev, string path, string item, string where)
    {
        var segments = path.Split('/', StringSplitOptions.TrimEntries);
        IEnumerable<BomLine> level = rev.Bom;
        for (var i = 0; i < segments.Length; i++)
        {
            var matches = level.Where(l => l.FindNumber == segments[i]).ToList();
            if (matches.Count == 0)
            {
                throw PlmRuleException.Invalid("unknown-bom-line", $"{where}: there is no line '{segments[i]}' at level {i + 1} of the eBOM.");
            }
            if (i == segments.Length - 1)
            {
                if (!matches.Any(l => string.Equals(l.Child, item, StringComparison.OrdinalIgnoreCase)))
                {
                    throw PlmRuleException.Invalid("service-item-mismatch",
                        $"{where}: that line holds {string.Join(" or ", matches.Select(m => $"'{m.Child}'").Distinct())}, not '{item}'.");
                }
                return;
            }
            level = matches.SelectMany(l => Get(l.Child).Revisions.SelectMany(r => r.Bom)).ToList();
        }
    }

    /// <summary>Find numbers in natural order (2 before 10), then child number.</summary>
    internal static int CompareLines(BomLine a, BomLine b)
    {
        var byFind = CompareFindNumbers(a.FindNumber, b.FindNumber);
        return byFind != 0 ? byFind : string.Compare(a.Child, b.Child, StringComparison.OrdinalIgnoreCase);
    }

    internal static int CompareFindNumbers(string a, string b) =>
        long.TryParse(a, out var x) && long.TryParse(b, out var y) && x != y ? x.CompareTo(y) : string.CompareOrdinal(a, b);
}
