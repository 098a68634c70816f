using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>How a position of a unit compares with its design on the date asked.</summary>
public enum ConfigurationStatus
{
    /// <summary>Installed as designed (or assumed so: no as-built record says otherwise).</summary>
    Designed,

    /// <summary>Built with an approved substitute for the designed item.</summary>
    Substituted,

    /// <summary>Changed in service by a replacement event on or before the date.</summary>
    Replaced,

    /// <summary>Differs from the design without approval: other item or revision, missing, or not in the design.</summary>
    Deviating,
}

/// <summary>What kind of difference an as-built record shows against the as-designed BOM.</summary>
public enum DeviationKind
{
    Substitution,
    OtherItem,
    OtherRevision,
    Missing,
    NotInDesign,
}

/// <summary>
/// One position of a unit's configuration on a date. <see cref="Path"/> is the find-number path from the product
/// ("20/10"); designed values come from the as-designed BOM on the build date, installed values from the as-built
/// record and the replacement events up to the date. <see cref="Deviation"/> is set for Substituted and Deviating.
/// </summary>
public sealed record ConfigurationNode(
    string Path,
    string FindNumber,
    string? DesignedItem,
    string? DesignedRevision,
    decimal Quantity,
    string? InstalledItem,
    string? InstalledRevision,
    string? Serial,
    string? Lot,
    ConfigurationStatus Status,
    DeviationKind? Deviation,
    string? Note,
    ServiceEvent? LastReplacement,
    IReadOnlyList<ConfigurationNode> Children);

/// <summary>
/// A unit's configuration on a date: the as-designed tree of its revision on its build date, overlaid with what was
/// actually built and every replacement up to <see cref="At"/>. Computed, never stored, so it is the same answer
/// every time for the same records.
/// </summary>
public sealed record AssetConfiguration(
    string AssetId,
    string Item,
    string Revision,
    DateTimeOffset At,
    bool AsBuiltRecorded,
    IReadOnlyList<ConfigurationNode> Nodes)
{
    public IEnumerable<ConfigurationNode> AllNodes() => Flatten(Nodes);

    public ConfigurationNode? Find(string path) =>
        AllNodes().FirstOrDefault(n => string.Equals(n.Path, AssetConfigurations.NormalisePath(path), StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<ConfigurationNode> Flatten(IEnumerable<ConfigurationNode> nodes)
    {
        foreach (var node in nodes)
        {
            yield return node;
            foreach (var child in Flatten(node.Children))
            {
                yield return child;
            }
        }
    }
}

/// <summary>One difference between a unit's as-built record and its as-designed BOM.</summary>
public sealed record AsBuiltDeviation(string Path, DeviationKind Kind, string? DesignedItem, string? DesignedRevision, string? BuiltItem, string? BuiltRevision, string Note);

public static class AssetConfigurations
{
    public static string NormalisePath(string path) =>
        string.Join('/', path.Split('/', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The as-designed structure of the unit: its revision, filtered for its serial, on its build date.</summary>
    public static ResolvedBom Designed(PlmCatalog catalog, Asset asset) =>
        catalog.ResolveBom(asset.Item, asset.Revision, new BomQuery(asset.Serial, asset.BuildDate));

    /// <summary>
    /// The configuration on <paramref name="at"/>. Events are applied in (time of work, sequence) order, so the
    /// answer does not depend on the order they were recorded in.
    /// </summary>
    public static AssetConfiguration Compute(Asset asset, ResolvedBom designed, IReadOnlyList<AsBuiltComponent> asBuilt, IReadOnlyList<ServiceEvent> events, DateTimeOffset at)
    {
        var placement = Place(designed, asBuilt);
        var replacements = new Dictionary<string, ServiceEvent>(StringComparer.OrdinalIgnoreCase);
        foreach (var e in events.Where(e => e.At <= at && e.Kind == ServiceEventKind.Replacement && e.Installed is not null).OrderBy(e => e.At).ThenBy(e => e.Sequence))
        {
            replacements[NormalisePath(e.Component)] = e;
        }

        ConfigurationNode Build(ResolvedBomLine line, string parentPath)
        {
            var path = parentPath.Length == 0 ? line.FindNumber : parentPath + "/" + line.FindNumber;
            var children = line.Lines.Select(l => Build(l, path)).ToList();
            var (status, deviation, note, built) = placement.StatusOf(path, line);
            var installedItem = built?.Item ?? line.Item;
            var installedRevision = built?.Revision ?? line.Revision;
            var serial = built?.Serial;
            var lot = built?.Lot;
            ServiceEvent? last = null;
            if (replacements.TryGetValue(path, out var replacement))
            {
                last = replacement;
                installedItem = replacement.Installed!.Item;
                installedRevision = replacement.Installed.Revision;
                serial = replacement.Installed.Serial;
                lot = replacement.Installed.Lot;
                status = ConfigurationStatus.Replaced;
                deviation = null;
                note = $"{replacement.Kind} on {replacement.At:yyyy-MM-dd} by {replacement.Technician}";
            }
            return new ConfigurationNode(path, line.FindNumber, line.Item, line.Revision, line.Quantity, installedItem, installedRevision,
                serial, lot, status, deviation, note, last, children);
        }

        var nodes = designed.Lines.Select(l => Build(l, "")).ToList();
        nodes.AddRange(placement.Extras.Select(c => new ConfigurationNode(
            c.FindNumberPath is null ? "+" + c.Item : NormalisePath(c.FindNumberPath), c.FindNumberPath?.Split('/')[^1] ?? "", null, null, 1,
            c.Item, c.Revision, c.Serial, c.Lot, ConfigurationStatus.Deviating, DeviationKind.NotInDesign,
            "Built but not in the as-designed BOM", null, [])));
        return new AssetConfiguration(asset.Id, designed.Item, designed.Revision, at, asBuilt.Count > 0, nodes);
    }

    /// <summary>Every difference between what was built and what was designed for this serial on its build date.</summary>
    public static IReadOnlyList<AsBuiltDeviation> Reconcile(Asset asset, ResolvedBom designed, IReadOnlyList<AsBuiltComponent> asBuilt)
    {
        var configuration = Compute(asset, designed, asBuilt, [], asset.BuildDate);
        return [.. configuration.AllNodes()
            .Where(n => n.Deviation is not null)
            .Select(n => new AsBuiltDeviation(n.Path, n.Deviation!.Value, n.DesignedItem, n.DesignedRevision,
                n.Deviation == DeviationKind.Missing ? null : n.InstalledItem, n.Deviation == DeviationKind.Missing ? null : n.InstalledRevision, n.Note ?? ""))];
    }

    /// <summary>
    /// The position a service event names: a find-number path of the configuration, or the item number installed
    /// at exactly one position. Throws unknown-component naming what the unit has.
    /// </summary>
    public static ConfigurationNode FindComponent(AssetConfiguration configuration, string component)
    {
        if (configuration.Find(component) is { } byPath && byPath.DesignedItem is not null)
        {
            return byPath;
        }
        var byItem = configuration.AllNodes()
            .Where(n => n.DesignedItem is not null && string.Equals(n.InstalledItem, component.Trim(), StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (byItem.Count == 1)
        {
            return byItem[0];
        }
        var positions = string.Join(", ", configuration.AllNodes().Where(n => n.DesignedItem is not null).Take(12).Select(n => $"{n.Path} ({n.InstalledItem})"));
        throw byItem.Count > 1
            ? PlmRuleException.Invalid("ambiguous-component",
                $"Asset {configuration.AssetId} has '{component}' at {byItem.Count} positions ({string.Join(", ", byItem.Select(n => n.Path))}); name the find-number path.")
            : PlmRuleException.Invalid("unknown-component",
                $"Asset {configuration.AssetId} has no component '{component}' on {configuration.At:yyyy-MM-dd}; its positions are: {positions}.");
    }

    private static Placement Place(ResolvedBom designed, IReadOnlyList<AsBuiltComponent> asBuilt)
    {
        var byPath = new Dictionary<string, AsBuiltComponent>(StringComparer.OrdinalIgnoreCase);
        var designedPaths = new List<(string Path, ResolvedBomLine Line)>();
        void Walk(IReadOnlyList<ResolvedBomLine> lines, string parent)
        {
            foreach (var line in lines)
            {
                var path = parent.Length == 0 ? line.FindNumber : parent + "/" + line.FindNumber;
                designedPaths.Add((path, line));
                Walk(line.Lines, path);
            }
        }
        Walk(designed.Lines, "");
        var known = designedPaths.Select(p => p.Path).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var extras = new List<AsBuiltComponent>();
        foreach (var component in asBuilt.Where(c => c.FindNumberPath is not null))
        {
            var path = NormalisePath(component.FindNumberPath!);
            if (known.Contains(path) && byPath.TryAdd(path, component))
            {
                continue;
            }
            extras.Add(component);
        }
        foreach (var component in asBuilt.Where(c => c.FindNumberPath is null))
        {
            // Without a path, a component goes to the first free designed position of its item, else of the item it substitutes.
            var target = designedPaths.FirstOrDefault(p => !byPath.ContainsKey(p.Path) && Same(p.Line.Item, component.Item)).Path
                ?? designedPaths.FirstOrDefault(p => !byPath.ContainsKey(p.Path) && component.Substitutes is not null && Same(p.Line.Item, component.Substitutes)).Path;
            if (target is null)
            {
                extras.Add(component);
            }
            else
            {
                byPath[target] = component;
            }
        }
        return new Placement(byPath, extras, asBuilt.Count > 0);
    }

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private sealed record Placement(Dictionary<string, AsBuiltComponent> ByPath, List<AsBuiltComponent> Extras, bool Recorded)
    {
        public (ConfigurationStatus, DeviationKind?, string?, AsBuiltComponent?) StatusOf(string path, ResolvedBomLine line)
        {
            if (ByPath.TryGetValue(path, out var built))
            {
                if (Same(built.Item, line.Item))
                {
                    return Same(built.Revision, line.Revision)
                        ? (ConfigurationStatus.Designed, null, null, built)
                        : (ConfigurationStatus.Deviating, DeviationKind.OtherRevision, $"Built at revision {built.Revision}, designed {line.Revision}", built);
                }
                return Same(built.Substitutes, line.Item)
                    ? (ConfigurationStatus.Substituted, DeviationKind.Substitution, $"Approved substitute for {line.Item}", built)
                    : (ConfigurationStatus.Deviating, DeviationKind.OtherItem, $"Built with {built.Item}, designed {line.Item}", built);
            }
            // A position counts as recorded when it, an assembly above it or a part below it was reported: MES often
            // reports an assembly once, or only the serialised parts inside it.
            var covered = !Recorded || ByPath.Keys.Any(k => k.StartsWith(path + "/", StringComparison.OrdinalIgnoreCase) || path.StartsWith(k + "/", StringComparison.OrdinalIgnoreCase));
            return covered
                ? (ConfigurationStatus.Designed, null, null, null)
                : (ConfigurationStatus.Deviating, DeviationKind.Missing, "Designed but not in the as-built record", null);
        }
    }
}
