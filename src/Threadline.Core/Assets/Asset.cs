using Threadline.Common;
using Threadline.Plm;

namespace Threadline.Assets;

public enum AssetStatus
{
    Active,

    /// <summary>Its product revision is archived, or it was retired: it still resolves, read-only, and keeps its telemetry.</summary>
    EndOfLife,
}

/// <summary>
/// One physical unit in the field, linked to the PLM record it was built to: <see cref="Item"/> at
/// <see cref="Revision"/> for <see cref="Serial"/>. <see cref="Id"/> is the key IoT and PLM share and never changes
/// after registration, even when the unit is upgraded. <see cref="ShipDate"/> is a UTC instant; it is also the date
/// the as-designed BOM is resolved on. <see cref="LegacyIds"/> are older spellings that resolve to this asset.
/// </summary>
public sealed record Asset(
    string Id,
    string Family,
    SerialNumber Serial,
    string Item,
    string Revision,
    string? IotDeviceId,
    SitePath? Site,
    DateTimeOffset? ShipDate,
    DateTimeOffset RegisteredAt,
    bool Retired,
    EquatableList<string> LegacyIds)
{
    /// <summary>The date the unit's as-designed structure is taken on: its ship date, else its registration.</summary>
    public DateTimeOffset BuildDate => ShipDate ?? RegisteredAt;

    public AssetStatus StatusIn(PlmCatalog catalog) =>
        Retired || catalog.Find(Item)?.FindRevision(Revision)?.State == LifecycleState.Archived ? AssetStatus.EndOfLife : AssetStatus.Active;
}

/// <summary>
/// A component actually installed at manufacture, as MES reports it. <see cref="FindNumberPath"/> names the eBOM
/// position ("20/10" is line 10 inside the assembly at line 20); when absent the component is matched to the designed
/// position by item. <see cref="Substitutes"/> names the designed item this one approvedly replaces.
/// </summary>
public sealed record AsBuiltComponent(
    string? FindNumberPath,
    string Item,
    string Revision,
    string? Serial = null,
    string? Lot = null,
    string? Substitutes = null);

public enum ServiceEventKind
{
    /// <summary>A component taken out and another put in; the only kind that changes the configuration.</summary>
    Replacement,
    Inspection,
    Repair,
    Adjustment,
}

/// <summary>The part a technician installed: item, revision and, where it has one, its serial or lot.</summary>
public sealed record InstalledPart(string Item, string Revision, string? Serial = null, string? Lot = null);

/// <summary>
/// A service event written back to the asset: what was done at which position (<see cref="Component"/>, a find-number
/// path), at what operating hours, by whom, and when (<see cref="At"/>, UTC, the time of the work; not the time of
/// recording). <see cref="Sequence"/> orders events recorded for the same instant.
/// </summary>
public sealed record ServiceEvent(
    long Sequence,
    ServiceEventKind Kind,
    string Component,
    string? RemovedSerial,
    InstalledPart? Installed,
    double? OperatingHours,
    string Technician,
    DateTimeOffset At,
    DateTimeOffset RecordedAt,
    string? Notes = null);
