using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>A unit to register: <see cref="Revision"/> null means the revision in effect on the ship date (or now).</summary>
public sealed record NewAsset(
    string Serial,
    string Item,
    string? Revision = null,
    string? IotDeviceId = null,
    string? Site = null,
    DateTimeOffset? ShipDate = null,
    string? AssetId = null,
    IReadOnlyList<string>? LegacyIds = null);

/// <summary>A service event as reported, before it is checked against the unit's configuration.</summary>
public sealed record NewServiceEvent(
    ServiceEventKind Kind,
    string Component,
    string? RemovedSerial,
    InstalledPart? Installed,
    double? OperatingHours,
    string Technician,
    DateTimeOffset At,
    string? Notes = null);

/// <summary>
/// The rules of the installed base, as pure functions of the PLM snapshot and the unit's records. Each throws a
/// <see cref="PlmRuleException"/> naming the problem before anything is written.
/// </summary>
public static class AssetRules
{
    /// <summary>How far ahead of the server clock a reported time may be (device clocks drift).</summary>
    public static readonly TimeSpan ClockTolerance = TimeSpan.FromMinutes(5);

    public static Asset Register(NewAsset spec, PlmCatalog catalog, AssetFamilyTable families, DateTimeOffset now)
    {
        var serial = ParseSerial(spec.Serial);
        var item = catalog.Get(spec.Item);
        if (item.Kind != ItemKind.Product)
        {
            throw PlmRuleException.Invalid("not-a-product", $"Item '{item.Number}' is a {item.Kind}, not a product; assets are units of products.");
        }
        if (spec.ShipDate is { } shipped && shipped > now + ClockTolerance)
        {
            throw PlmRuleException.Invalid("ship-date-in-future", $"Ship date {shipped:O} is in the future.");
        }
        var buildDate = spec.ShipDate ?? now;
        var revision = spec.Revision is { } code
            ? item.GetRevision(code)
            : item.RevisionInEffect(buildDate) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "no-revision-in-effect",
                $"Item '{item.Number}' has no released revision in effect on {buildDate:yyyy-MM-dd}; name the revision the unit was built to.");
        var family = families.FamilyOf(item);
        var assetId = family.FormatId(serial, item, revision.Code);
        if (spec.AssetId is { } given && !string.Equals(given.Trim(), assetId, StringComparison.Ordinal))
        {
            throw PlmRuleException.Invalid("malformed-asset-id",
                $"Asset ID '{given}' does not follow the {family.Prefix} pattern {family.Pattern}; this unit's ID is {assetId}.");
        }
        var site = spec.Site is null ? (SitePath?)null : SitePath.Parse(spec.Site);
        var device = spec.IotDeviceId?.Trim();
        if (device is { Length: 0 or > 200 } || (device is not null && device.Any(c => c is '+' or '#' || char.IsControl(c))))
        {
            throw PlmRuleException.Invalid("invalid-iot-device-id", $"IoT device id '{spec.IotDeviceId}' must be 1 to 200 characters without '+', '#' or control characters.");
        }
        return new Asset(assetId, family.Prefix, serial, item.Number, revision.Code, device, site, spec.ShipDate?.ToUniversalTime(), now,
            Retired: false, [.. (spec.LegacyIds ?? []).Select(l => l.Trim()).Where(l => l.Length > 0 && l != assetId).Distinct(StringComparer.Ordinal)]);
    }

    /// <summary>Checks an as-built record: every item and revision must exist; the asset must not be end-of-life.</summary>
    public static IReadOnlyList<AsBuiltComponent> CheckAsBuilt(Asset asset, PlmCatalog catalog, IReadOnlyList<AsBuiltComponent> components)
    {
        EnsureWritable(asset, catalog);
        var checkedComponents = new List<AsBuiltComponent>(components.Count);
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < components.Count; i++)
        {
            var component = components[i];
            var where = $"components[{i}]";
            var item = catalog.Find(component.Item) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "unknown-item", $"{where}: item '{component.Item}' does not exist.");
            var revision = item.FindRevision(component.Revision) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "unknown-revision", $"{where}: item '{item.Number}' has no revision '{component.Revision}'.");
            if (component.Substitutes is { } substituted && catalog.Find(substituted) is null)
            {
                throw new PlmRuleException(RuleViolationKind.NotFound, "unknown-item", $"{where}: substituted item '{substituted}' does not exist.");
            }
            var path = component.FindNumberPath is null ? null : AssetConfigurations.NormalisePath(component.FindNumberPath);
            if (path is not null && !paths.Add(path))
            {
                throw PlmRuleException.Invalid("duplicate-position", $"{where}: position {path} is listed twice.");
            }
            checkedComponents.Add(component with { FindNumberPath = path, Item = item.Number, Revision = revision.Code, Serial = Blank(component.Serial), Lot = Blank(component.Lot) });
        }
        return checkedComponents;
    }

    /// <summary>
    /// Checks a service event against the unit's configuration on the event's date and returns it ready to store,
    /// with its component named by find-number path.
    /// </summary>
    public static ServiceEvent CheckServiceEvent(Asset asset, PlmCatalog catalog, AssetConfiguration configurationThen, NewServiceEvent spec, long sequence, DateTimeOffset now)
    {
        EnsureWritable(asset, catalog);
        if (string.IsNullOrWhiteSpace(spec.Technician))
        {
            throw PlmRuleException.Invalid("missing-technician", "technician is required: who did the work.");
        }
        if (spec.At < asset.BuildDate)
        {
            throw PlmRuleException.Invalid("before-ship-date", $"The event at {spec.At:O} is before the unit's ship date {asset.BuildDate:O}.");
        }
        if (spec.At > now + ClockTolerance)
        {
            throw PlmRuleException.Invalid("event-in-future", $"The event at {spec.At:O} is in the future.");
        }
        if (spec.OperatingHours is < 0 or double.NaN or double.PositiveInfinity)
        {
            throw PlmRuleException.Invalid("invalid-operating-hours", $"operatingHours {spec.OperatingHours} must be a finite number of hours, zero or more.");
        }
        var node = AssetConfigurations.FindComponent(configurationThen, spec.Component);
        if (spec.RemovedSerial is { } removed && node.Serial is { } installedSerial && !string.Equals(removed.Trim(), installedSerial, StringComparison.OrdinalIgnoreCase))
        {
            throw PlmRuleException.Conflict("removed-serial-mismatch",
                $"Position {node.Path} held serial {installedSerial} on {spec.At:yyyy-MM-dd}, not {removed}.");
        }
        InstalledPart? installed = null;
        if (spec.Kind == ServiceEventKind.Replacement)
        {
            var part = spec.Installed ?? throw PlmRuleException.Invalid("missing-installed", "A replacement must say what was installed: installed {item, revision, serial?}.");
            var item = catalog.Find(part.Item) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "unknown-item", $"installed.item '{part.Item}' does not exist.");
            var revision = item.FindRevision(part.Revision) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "unknown-revision", $"installed: item '{item.Number}' has no revision '{part.Revision}'.");
            installed = new InstalledPart(item.Number, revision.Code, Blank(part.Serial), Blank(part.Lot));
        }
        return new ServiceEvent(sequence, spec.Kind, node.Path, Blank(spec.RemovedSerial), installed, spec.OperatingHours, spec.Technician.Trim(),
            spec.At.ToUniversalTime(), now, Blank(spec.Notes));
    }

    /// <summary>
    /// Where an automatically proposed change for this unit must go: straight to a change record, or, for an
    /// end-of-life unit, to the manual triage queue (nobody re-engineers a product that is archived by robot).
    /// </summary>
    public static ChangeRoute RouteAutomaticChange(Asset asset, PlmCatalog catalog) =>
        asset.StatusIn(catalog) == AssetStatus.EndOfLife ? ChangeRoute.ManualTriage : ChangeRoute.ChangeRecord;

    private static void EnsureWritable(Asset asset, PlmCatalog catalog)
    {
        if (asset.StatusIn(catalog) == AssetStatus.EndOfLife)
        {
            throw PlmRuleException.Conflict("asset-end-of-life", $"Asset {asset.Id} is end-of-life: its record is read-only.");
        }
    }

    private static SerialNumber ParseSerial(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw PlmRuleException.Invalid("missing-serial", "serial is required.");
        }
        var serial = SerialNumber.Parse(text);
        if (!serial.HasNumber || serial.Value.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw PlmRuleException.Invalid("invalid-serial", $"Serial '{text}' must be letters, digits or '-' ending in digits (for example SN00341).");
        }
        return serial;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public enum ChangeRoute
{
    ChangeRecord,
    ManualTriage,
}
