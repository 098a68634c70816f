using Threadline.Api;
using Threadline.Assets;
using Threadline.Events;
using Threadline.Features.Plm;
using Threadline.Plm;

namespace Threadline.Features.Assets;

// Request and response bodies of the installed-base API. Dates and enums travel as text so a wrong value gets an
// error naming the field.

public sealed record RegisterAssetRequest(string? Serial, string? Item, string? Revision, string? IotDeviceId, string? Site, string? ShipDate, string? AssetId, IReadOnlyList<string>? LegacyIds)
{
    public NewAsset ToDomain() => new(
        RequestValues.Required(Serial, "serial"), RequestValues.Required(Item, "item"), Blank(Revision), Blank(IotDeviceId), Blank(Site),
        RequestValues.ParseOptionalInstant(ShipDate, "shipDate"), Blank(AssetId), LegacyIds);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed record AssetResponse(
    string AssetId, string Family, string Serial, string Item, string Revision, string? IotDeviceId, string? Site,
    IReadOnlyDictionary<string, string>? SiteLevels, DateTimeOffset? ShipDate, DateTimeOffset RegisteredAt, string Status, IReadOnlyList<string> LegacyIds)
{
    public static AssetResponse From(Asset asset, PlmCatalog catalog) => new(
        asset.Id, asset.Family, asset.Serial.Value, asset.Item, asset.Revision, asset.IotDeviceId, asset.Site?.Value,
        asset.Site is { } site ? site.Levels.Select((l, i) => (SitePath.LevelNames[i], l)).ToDictionary(p => p.Item1, p => p.l) : null,
        asset.ShipDate, asset.RegisteredAt, Kebab(asset.StatusIn(catalog).ToString()), [.. asset.LegacyIds]);

    public static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) ? (i == 0 ? "" : "-") + char.ToLowerInvariant(c) : c.ToString()));
}

public sealed record AsBuiltComponentDto(string? FindNumber, string? Item, string? Revision, string? Serial, string? Lot, string? Substitutes)
{
    public AsBuiltComponent ToDomain(int index) => new(
        string.IsNullOrWhiteSpace(FindNumber) ? null : FindNumber.Trim(),
        RequestValues.Required(Item, $"components[{index}].item"),
        RequestValues.Required(Revision, $"components[{index}].revision"),
        Serial, Lot, string.IsNullOrWhiteSpace(Substitutes) ? null : Substitutes.Trim());

    public static AsBuiltComponentDto From(AsBuiltComponent c) => new(c.FindNumberPath, c.Item, c.Revision, c.Serial, c.Lot, c.Substitutes);
}

public sealed record SetAsBuiltRequest(IReadOnlyList<AsBuiltComponentDto>? Components);

public sealed record DeviationDto(string Path, string Kind, string? DesignedItem, string? DesignedRevision, string? BuiltItem, string? BuiltRevision, string Note)
{
    public static DeviationDto From(AsBuiltDeviation d) =>
        new(d.Path, AssetResponse.Kebab(d.Kind.ToString()), d.DesignedItem, d.DesignedRevision, d.BuiltItem, d.BuiltRevision, d.Note);
}

public sealed record AsBuiltResponse(string AssetId, IReadOnlyList<AsBuiltComponentDto> Components, IReadOnlyList<DeviationDto> Deviations);

public sealed record InstalledPartDto(string? Item, string? Revision, string? Serial, string? Lot);

public sealed record ServiceEventRequest(string? Kind, string? Component, string? RemovedSerial, InstalledPartDto? Installed, double? OperatingHours, string? Technician, string? At, string? Notes)
{
    public NewServiceEvent ToDomain() => new(
        Kind is null ? ServiceEventKind.Replacement : RequestValues.ParseEnum<ServiceEventKind>(Kind, "kind"),
        RequestValues.Required(Component, "component"),
        string.IsNullOrWhiteSpace(RemovedSerial) ? null : RemovedSerial.Trim(),
        Installed is null ? null : new InstalledPart(
            RequestValues.Required(Installed.Item, "installed.item"), RequestValues.Required(Installed.Revision, "installed.revision"), Installed.Serial, Installed.Lot),
        OperatingHours,
        RequestValues.Required(Technician, "technician"),
        RequestValues.ParseInstant(RequestValues.Required(At, "at"), "at"),
        Notes);
}

public sealed record ServiceEventResponse(long Sequence, string Kind, string Component, string? RemovedSerial, InstalledPartDto? Installed, double? OperatingHours, string Technician, DateTimeOffset At, DateTimeOffset RecordedAt, string? Notes)
{
    public static ServiceEventResponse From(ServiceEvent e) => new(e.Sequence, AssetResponse.Kebab(e.Kind.ToString()), e.Component, e.RemovedSerial,
        e.Installed is { } p ? new InstalledPartDto(p.Item, p.Revision, p.Serial, p.Lot) : null, e.OperatingHours, e.Technician, e.At, e.RecordedAt, e.Notes);
}

public sealed record ConfigurationNodeDto(
    string Path, string FindNumber, string? DesignedItem, string? DesignedRevision, decimal Quantity, string? Item, string? Revision,
    string? Serial, string? Lot, string Status, string? Deviation, string? Note, long? ReplacedBy, IReadOnlyList<ConfigurationNodeDto>? Children)
{
    public static ConfigurationNodeDto From(ConfigurationNode n) => new(
        n.Path, n.FindNumber, n.DesignedItem, n.DesignedRevision, n.Quantity, n.InstalledItem, n.InstalledRevision, n.Serial, n.Lot,
        AssetResponse.Kebab(n.Status.ToString()), n.Deviation is { } d ? AssetResponse.Kebab(d.ToString()) : null, n.Note, n.LastReplacement?.Sequence,
        n.Children.Count == 0 ? null : [.. n.Children.Select(From)]);
}

public sealed record ConfigurationResponse(string AssetId, string Item, string Revision, DateTimeOffset At, bool AsBuiltRecorded, IReadOnlyList<ConfigurationNodeDto> Components)
{
    public static ConfigurationResponse From(AssetConfiguration c) =>
        new(c.AssetId, c.Item, c.Revision, c.At, c.AsBuiltRecorded, [.. c.Nodes.Select(ConfigurationNodeDto.From)]);
}

public sealed record UnresolvedDto(string AssetId, string Reason, string Detail, string? Proposal);

public sealed record ValidationResponse(int Total, int Resolved, double ResolvedShare, bool GatePassed, IReadOnlyList<UnresolvedDto> Unresolved, IReadOnlyList<string> EndOfLife)
{
    public static ValidationResponse From(ValidationReport r) => new(r.Total, r.Resolved, Math.Round(r.ResolvedShare, 4), r.Unresolved.Count == 0,
        [.. r.Unresolved.Select(u => new UnresolvedDto(u.AssetId, AssetResponse.Kebab(u.Reason.ToString()), u.Detail, u.Proposal))], r.EndOfLife);
}

public sealed record IdListRequest(IReadOnlyList<string>? Ids, string? Source);

public sealed record RemediationDto(string Input, string Status, string? Canonical, string? Proposal, int? Distance, IReadOnlyList<string> Candidates, string Reason)
{
    public static RemediationDto From(RemediationResult r) =>
        new(r.Input, AssetResponse.Kebab(r.Status.ToString()), r.Canonical, r.Proposal, r.Distance, r.Candidates, r.Reason);
}

public sealed record AccuracyResponse(int Positions, int Matching, double Accuracy, double Target, bool MeetsTarget, IReadOnlyList<ServiceBomMismatch> Mismatches)
{
    public static AccuracyResponse From(ServiceBomAccuracyReport r) =>
        new(r.Positions, r.Matching, Math.Round(r.Accuracy, 4), ServiceBomAccuracyReport.Target, r.MeetsTarget, r.Mismatches);
}

public sealed record RevisionSummary(string Code, string State, DateTimeOffset? EffectiveFrom, IReadOnlyList<DesignLimitDto> Limits);

public sealed record ContextResponse(
    string AssetId, string Status, string Item, string ItemName, RevisionSummary AssetRevision, RevisionSummary? CurrentEngineeringRevision,
    IReadOnlyList<object> OpenChangeOrders, IReadOnlyList<ServiceBomEntryDto> ServiceBom)
{
    public static RevisionSummary Summary(ItemRevision r) => new(r.Code, r.State.ToString(), r.EffectiveFrom, [.. r.Limits.Select(DesignLimitDto.From)]);
}

public sealed record FamilyRequest(string? PlmUrl, string? Pattern, int? SerialDigits);

public sealed record FamilyResponse(string Prefix, string Plm, string? PlmUrl, string Pattern, int SerialDigits)
{
    public static FamilyResponse From(AssetFamily f) => new(f.Prefix, f.IsLocal ? "local" : "external", f.PlmUrl, f.Pattern, f.SerialDigits);
}

public sealed record RouteResponse(string AssetId, string? Prefix, string Plm, string? Location);

/// <summary>
/// One event on a unit's record. The fields up to <c>recordedAt</c> are those the endpoint always had; <c>kind</c> is the
/// typed kind in kebab case (<c>alert-raised</c>, <c>device-online</c>, ...); the payload of the kind follows.
/// </summary>
public sealed record LifecycleEventDto(
    long Id, string Kind, DateTimeOffset At, string Item, string Revision, string? Signal, double? Value, string? Unit, double? LimitMin, double? LimitMax,
    string? Severity, string? Details, DateTimeOffset RecordedAt, string? Site, AlertDto? Alert, string? Source, ServiceDto? Service, ConfigurationDto? Configuration)
{
    public static LifecycleEventDto From(AssetEventRow e) =>
        new(e.Id, AssetResponse.Kebab(e.Kind.ToString()), e.At, e.Item, e.Revision, e.Signal, e.Value, e.Unit, e.LimitMin, e.LimitMax, e.Severity?.ToString(),
            e.Details, e.RecordedAt, e.Site,
            e.AlertId is { } id ? new AlertDto(id, Kebab(e.AlertKind), e.AlertKey, e.FailureMode, e.PreviousSeverity?.ToString(), e.Message) : null,
            e.Source,
            e.ServiceSequence is { } sequence ? new ServiceDto(sequence, Kebab(e.ServiceKind), e.Component, e.InstalledItem, e.InstalledRevision) : null,
            e.Kind == AssetEventKind.ConfigurationChanged ? new ConfigurationDto(e.Components ?? 0, e.Deviations ?? 0) : null);

    private static string? Kebab<T>(T? value)
        where T : struct, Enum => value is { } v ? AssetResponse.Kebab(v.ToString()) : null;
}

/// <summary>The alert an alert step belongs to: <c>id</c> groups raised, changed and cleared of one alert.</summary>
public sealed record AlertDto(string Id, string? Kind, string? Key, string? FailureMode, string? PreviousSeverity, string? Message);

public sealed record ServiceDto(long Sequence, string? Kind, string? Component, string? InstalledItem, string? InstalledRevision);

public sealed record ConfigurationDto(int Components, int Deviations);

/// <summary>An alert found by <c>GET /api/alerts</c>: when it was raised and with what, where its life has got to.</summary>
public sealed record FleetAlertDto(
    string AlertId, string AssetId, string? Kind, string? Key, string? Signal, string? FailureMode, string Item, string Revision, string? Site,
    string? RaisedSeverity, string? Severity, DateTimeOffset RaisedAt, DateTimeOffset? ClearedAt, bool Active, double? Value, string? Unit,
    double? LimitMin, double? LimitMax, string? Message)
{
    public static FleetAlertDto From(FleetAlert a)
    {
        var r = a.Raised;
        return new(r.AlertId!, r.AssetId, r.AlertKind is { } k ? AssetResponse.Kebab(k.ToString()) : null, r.AlertKey, r.Signal, r.FailureMode, r.Item, r.Revision,
            r.Site, r.Severity?.ToString(), a.Severity?.ToString(), r.At, a.ClearedAt, a.ClearedAt is null, r.Value, r.Unit, r.LimitMin, r.LimitMax, r.Message);
    }
}

public sealed record TriageDto(long Id, string AssetId, string Reason, string? Details, DateTimeOffset CreatedAt);
