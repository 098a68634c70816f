using Threadline.Assets;
using Threadline.Plm;

namespace Threadline.Events;

/// <summary>
/// A typed event on an asset's record with its IoT and PLM context: <see cref="At"/> is the source-clock instant (UTC) of
/// what it reports, <see cref="Item"/> and <see cref="Revision"/> the unit's PLM record then, <see cref="Site"/> its ISA-95
/// path. <see cref="Severity"/> is set for alerts (for a cleared alert, the band it left). The payload's type follows
/// <see cref="Kind"/> (see the factories); <see cref="Details"/> is text for people (a twin alert's evidence), never read by
/// rules.
/// </summary>
public sealed record AssetEvent(
    string AssetId,
    AssetEventKind Kind,
    DateTimeOffset At,
    string Item,
    string Revision,
    string? Site,
    LimitSeverity? Severity,
    AssetEventPayload Payload,
    string? Details = null)
{
    public static AssetEvent Alert(AssetEventKind kind, string assetId, DateTimeOffset at, string item, string revision, string? site,
        LimitSeverity severity, AlertPayload alert, string? details = null) =>
        kind is AssetEventKind.AlertRaised or AssetEventKind.AlertChanged or AssetEventKind.AlertCleared
            ? new(assetId, kind, at, item, revision, site, severity, alert, details)
            : throw new ArgumentException($"{kind} is not a step of an alert's life.", nameof(kind));

    public static AssetEvent Device(bool online, string assetId, DateTimeOffset at, string item, string revision, string? site, string source) =>
        new(assetId, online ? AssetEventKind.DeviceOnline : AssetEventKind.DeviceOffline, at, item, revision, site, null, new DevicePayload(source));

    public static AssetEvent Signal(string assetId, DateTimeOffset at, string item, string revision, string? site, SignalEventPayload signal) =>
        new(assetId, AssetEventKind.SignalEvent, at, item, revision, site, null, signal);

    public static AssetEvent Service(string assetId, DateTimeOffset at, string item, string revision, string? site, ServicePayload service) =>
        new(assetId, AssetEventKind.ServiceRecorded, at, item, revision, site, null, service);

    public static AssetEvent Configuration(string assetId, DateTimeOffset at, string item, string revision, string? site, ConfigurationPayload configuration) =>
        new(assetId, AssetEventKind.ConfigurationChanged, at, item, revision, site, null, configuration);
}

/// <summary>What an <see cref="AssetEvent"/> carries beyond its context; one sealed record per kind of event.</summary>
public abstract record AssetEventPayload;

/// <summary>
/// One step of an alert's life. <see cref="Id"/> is the same for every step of one alert; <see cref="Key"/> names what it
/// watches ("limit:flow"). <see cref="FailureMode"/> is the failure mode it points at, where the model says (a rule's, or
/// that of the component whose signal it watches). <see cref="Value"/> is in <see cref="Unit"/>; <see cref="Limit"/> is the
/// crossed design limit of a limit alert (of the band entered; for a cleared one, of the band left);
/// <see cref="Previous"/> the band before a change.
/// </summary>
public sealed record AlertPayload(
    AlertId Id,
    AlertKind Kind,
    string Key,
    string Signal,
    string? FailureMode,
    double Value,
    string? Unit,
    DesignLimit? Limit,
    LimitSeverity? Previous,
    string Message) : AssetEventPayload;

/// <summary>The Sparkplug source ("group/edge node/device") whose presence changed.</summary>
public sealed record DevicePayload(string Source) : AssetEventPayload;

/// <summary>A value (in <see cref="Unit"/>) of a signal configured as a lifecycle event, and the device that sent it.</summary>
public sealed record SignalEventPayload(string Signal, double Value, string? Unit, string Source) : AssetEventPayload;

/// <summary>A recorded service event: its sequence in the unit's service history, kind, component path and the part installed.</summary>
public sealed record ServicePayload(long Sequence, ServiceEventKind Kind, string Component, string? InstalledItem, string? InstalledRevision) : AssetEventPayload;

/// <summary>The as-built record was replaced: how many components it lists and how many deviations from the design it shows.</summary>
public sealed record ConfigurationPayload(int Components, int Deviations) : AssetEventPayload;
