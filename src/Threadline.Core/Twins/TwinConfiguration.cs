using System.Collections.Immutable;
using System.Globalization;
using Threadline.Assets;
using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>
/// One position of the unit as its twin holds it: the designed and the installed part (item and revision),
/// how they compare (<see cref="Status"/>, <see cref="Deviation"/>), whether the installed part is one the design does
/// not allow there (<see cref="Unapproved"/>), and the time of the work (UTC) of the last replacement at it.
/// </summary>
public sealed record TwinPosition(
    string Path,
    string? DesignedItem,
    string? DesignedRevision,
    string? InstalledItem,
    string? InstalledRevision,
    ConfigurationStatus Status,
    DeviationKind? Deviation,
    bool Unapproved,
    DateTimeOffset? ReplacedAt);

/// <summary>
/// The configuration a twin works with: the asset's as-designed structure overlaid with its as-built record and its
/// replacements (<see cref="AssetConfigurations.Compute"/>), on <see cref="At"/> (server clock, UTC), flattened to positions.
/// Held by the running twin, never persisted with its state: it is read again from the installed base on activation
/// and whenever the asset's configuration changes.
/// </summary>
public sealed record TwinConfiguration(DateTimeOffset At, bool AsBuiltRecorded, ImmutableArray<TwinPosition> Positions)
{
    /// <summary>
    /// The twin's form of an asset configuration. A position is unapproved when the installed-base domain finds it
    /// deviating (another item or revision than designed, missing, not in the design), or when a replacement put in an
    /// item that is neither the designed one nor a service part the revision's service BOM lists for that position
    /// (revisions of one item are interchangeable by definition, so only the item is compared).
    /// </summary>
    public static TwinConfiguration Of(AssetConfiguration configuration, IReadOnlyList<ServiceBomEntry> serviceBom)
    {
        var positions = configuration.AllNodes().Select(n =>
        {
            var unapproved = n.Status == ConfigurationStatus.Deviating;
            var deviation = n.Deviation;
            if (n.Status == ConfigurationStatus.Replaced && !Allowed(n, serviceBom))
            {
                unapproved = true;
                deviation = DeviationKind.OtherItem;
            }
            // Interned: every twin of a family holds the same few paths, item numbers and revisions.
            return new TwinPosition(Shared(n.Path)!, Shared(n.DesignedItem), Shared(n.DesignedRevision), Shared(n.InstalledItem), Shared(n.InstalledRevision),
                n.Status, deviation, unapproved, n.LastReplacement?.At);
        });
        return new TwinConfiguration(configuration.At, configuration.AsBuiltRecorded, [.. positions]);
    }

    /// <summary>A component's positions in this unit: where its designed structure uses one of the component's items (or, where the design has none, where one is fitted).</summary>
    public IReadOnlyList<string> PositionsOf(TwinComponent component) =>
        [.. Positions.Where(p => component.Is(p.DesignedItem ?? p.InstalledItem)).Select(p => p.Path)];

    /// <summary>The latest replacement (time of the work, UTC) at a component's positions or at an assembly above them, or null.</summary>
    public DateTimeOffset? LastReplacement(TwinComponent component)
    {
        var paths = PositionsOf(component);
        return Positions.Where(p => p.ReplacedAt is not null && IsAtOrAbove(p.Path, paths)).Max(p => p.ReplacedAt);
    }

    /// <summary>The unapproved positions at a component's positions or at an assembly above them.</summary>
    public IEnumerable<TwinPosition> UnapprovedAt(TwinComponent component)
    {
        var paths = PositionsOf(component);
        return Positions.Where(p => p.Unapproved && IsAtOrAbove(p.Path, paths));
    }

    private static bool IsAtOrAbove(string path, IReadOnlyList<string> componentPaths) =>
        componentPaths.Any(p => string.Equals(p, path, StringComparison.OrdinalIgnoreCase) || p.StartsWith(path + "/", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// What a component's unapproved parts mean for the twin's conclusions, in a sentence, or null when it has none:
    /// its design limits and failure signatures are those of the designed part.
    /// </summary>
    public string? CaveatOf(TwinComponent component)
    {
        var parts = UnapprovedAt(component).Select(Describe).ToArray();
        return parts.Length == 0
            ? null
            : $"{component.Name}: {string.Join("; ", parts)}. The design limits and failure signatures are those of the designed part, so this figure is less certain.";
    }

    private static string Describe(TwinPosition p) => p.Deviation switch
    {
        DeviationKind.Missing => $"position {p.Path} is missing from the as-built record (designed {p.DesignedItem} rev {p.DesignedRevision})",
        DeviationKind.NotInDesign => $"{p.InstalledItem} rev {p.InstalledRevision} is fitted at {p.Path}, which the design does not have",
        _ when p.ReplacedAt is { } at => $"position {p.Path} holds {p.InstalledItem} rev {p.InstalledRevision} since {at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, "
            + $"neither the designed {p.DesignedItem} nor a listed service part",
        _ => $"position {p.Path} holds {p.InstalledItem} rev {p.InstalledRevision}, designed {p.DesignedItem} rev {p.DesignedRevision}, without approval",
    };

    private static bool Allowed(ConfigurationNode node, IReadOnlyList<ServiceBomEntry> serviceBom)
    {
        if (string.Equals(node.InstalledItem, node.DesignedItem, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var entry = serviceBom.FirstOrDefault(e => string.Equals(AssetConfigurations.NormalisePath(e.FindNumberPath), node.Path, StringComparison.OrdinalIgnoreCase));
        return entry is not null
            && (string.Equals(entry.Item, node.InstalledItem, StringComparison.OrdinalIgnoreCase)
                || entry.ServiceParts.Contains(node.InstalledItem ?? "", StringComparer.OrdinalIgnoreCase));
    }

    private static string? Shared(string? text) => text is null ? null : string.Intern(text);
}
