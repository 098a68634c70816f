using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Threadline.Assets;
using Threadline.Events;
using Threadline.Plm;

namespace Threadline.Features.Assets;

// Persistence shapes of the installed base. An asset's history (as-built, service events, lifecycle events) hangs
// off its asset ID and is deleted with it; service events and lifecycle events are only ever appended.

public sealed class AssetRow
{
    public required string Id { get; set; }
    public required string Family { get; set; }
    public required string Serial { get; set; }

    /// <summary>Serial prefix and number without leading zeros: SN341 and SN00341 are one unit.</summary>
    public required string SerialKey { get; set; }
    public required string Item { get; set; }
    public required string Revision { get; set; }
    public string? IotDeviceId { get; set; }
    public string? Site { get; set; }
    public DateTimeOffset? ShipDate { get; set; }
    public DateTimeOffset RegisteredAt { get; set; }
    public bool Retired { get; set; }
    public List<string> LegacyIds { get; set; } = [];
}

public sealed class AsBuiltRow
{
    public long Id { get; set; }
    public required string AssetId { get; set; }
    public int Position { get; set; }
    public string? FindNumberPath { get; set; }
    public required string Item { get; set; }
    public required string Revision { get; set; }
    public string? Serial { get; set; }
    public string? Lot { get; set; }
    public string? Substitutes { get; set; }
}

public sealed class ServiceEventRow
{
    public long Id { get; set; }
    public required string AssetId { get; set; }
    public required string Kind { get; set; }
    public required string Component { get; set; }
    public string? RemovedSerial { get; set; }
    public string? InstalledItem { get; set; }
    public string? InstalledRevision { get; set; }
    public string? InstalledSerial { get; set; }
    public string? InstalledLot { get; set; }
    public double? OperatingHours { get; set; }
    public required string Technician { get; set; }
    public DateTimeOffset At { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string? Notes { get; set; }
}

public sealed class AssetFamilyRow
{
    public required string Prefix { get; set; }
    public string? PlmUrl { get; set; }
    public required string Pattern { get; set; }
    public int SerialDigits { get; set; }
}

/// <summary>An asset ID the IoT side uses (device registry, historian tags), which the validation gate must resolve.</summary>
public sealed class AssetTargetRow
{
    public required string Id { get; set; }
    public string? Source { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// One typed event on an asset's record (<see cref="AssetEvent"/>, flattened): the context columns, then the columns of
/// each payload, null where the kind has none. Enums are stored by name. <see cref="AtUnixMs"/> is <see cref="At"/> in Unix
/// milliseconds, what range queries use: SQLite can neither compare nor order DateTimeOffset columns.
/// </summary>
public sealed class AssetEventRow
{
    public long Id { get; set; }
    public required string AssetId { get; set; }
    public AssetEventKind Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public long AtUnixMs { get; set; }
    public required string Item { get; set; }
    public required string Revision { get; set; }
    public string? Site { get; set; }
    public LimitSeverity? Severity { get; set; }
    public string? Signal { get; set; }
    public double? Value { get; set; }
    public string? Unit { get; set; }
    public double? LimitMin { get; set; }
    public double? LimitMax { get; set; }
    public string? AlertId { get; set; }
    public AlertKind? AlertKind { get; set; }
    public string? AlertKey { get; set; }
    public string? FailureMode { get; set; }
    public LimitSeverity? PreviousSeverity { get; set; }
    public string? Message { get; set; }
    public string? Source { get; set; }
    public long? ServiceSequence { get; set; }
    public ServiceEventKind? ServiceKind { get; set; }
    public string? Component { get; set; }
    public string? InstalledItem { get; set; }
    public string? InstalledRevision { get; set; }
    public int? Components { get; set; }
    public int? Deviations { get; set; }

    /// <summary>Text for people (a twin alert's evidence, an old row's details), never read by rules.</summary>
    public string? Details { get; set; }
    public DateTimeOffset RecordedAt { get; set; }

    public static AssetEventRow From(AssetEvent e, DateTimeOffset recordedAt)
    {
        var at = e.At.ToUniversalTime();
        var row = new AssetEventRow
        {
            AssetId = e.AssetId, Kind = e.Kind, At = at, AtUnixMs = at.ToUnixTimeMilliseconds(), Item = e.Item, Revision = e.Revision,
            Site = e.Site, Severity = e.Severity, Details = e.Details, RecordedAt = recordedAt,
        };
        switch (e.Payload)
        {
            case AlertPayload a:
                (row.AlertId, row.AlertKind, row.AlertKey, row.FailureMode, row.PreviousSeverity, row.Message) = (a.Id.Value, a.Kind, a.Key, a.FailureMode, a.Previous, a.Message);
                (row.Signal, row.Value, row.Unit, row.LimitMin, row.LimitMax) = (a.Signal, a.Value, a.Unit ?? a.Limit?.Unit, a.Limit?.Min, a.Limit?.Max);
                break;
            case DevicePayload d:
                row.Source = d.Source;
                break;
            case SignalEventPayload s:
                (row.Signal, row.Value, row.Unit, row.Source) = (s.Signal, s.Value, s.Unit, s.Source);
                break;
            case ServicePayload s:
                (row.ServiceSequence, row.ServiceKind, row.Component, row.InstalledItem, row.InstalledRevision) = (s.Sequence, s.Kind, s.Component, s.InstalledItem, s.InstalledRevision);
                break;
            case ConfigurationPayload c:
                (row.Components, row.Deviations) = (c.Components, c.Deviations);
                break;
        }
        return row;
    }
}

/// <summary>A change proposed automatically for a unit that must be decided by a person (an end-of-life unit).</summary>
public sealed class TriageRow
{
    public long Id { get; set; }
    public required string AssetId { get; set; }
    public required string Reason { get; set; }
    public string? Details { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public bool Closed { get; set; }
}

internal sealed class AssetModelConfiguration :
    IEntityTypeConfiguration<AssetRow>,
    IEntityTypeConfiguration<AsBuiltRow>,
    IEntityTypeConfiguration<ServiceEventRow>,
    IEntityTypeConfiguration<AssetFamilyRow>,
    IEntityTypeConfiguration<AssetTargetRow>,
    IEntityTypeConfiguration<AssetEventRow>,
    IEntityTypeConfiguration<TriageRow>
{
    public void Configure(EntityTypeBuilder<AssetRow> asset)
    {
        asset.ToTable("assets");
        asset.HasKey(a => a.Id);
        asset.Property(a => a.Id).HasMaxLength(128);
        asset.HasIndex(a => new { a.Item, a.SerialKey }).IsUnique();
        asset.HasIndex(a => a.IotDeviceId).IsUnique();
        asset.HasIndex(a => a.Site);
    }

    public void Configure(EntityTypeBuilder<AsBuiltRow> row)
    {
        row.ToTable("asset_as_built");
        row.HasOne<AssetRow>().WithMany().HasForeignKey(r => r.AssetId).OnDelete(DeleteBehavior.Cascade);
        row.HasIndex(r => r.AssetId);
    }

    public void Configure(EntityTypeBuilder<ServiceEventRow> row)
    {
        row.ToTable("asset_service_events");
        row.HasOne<AssetRow>().WithMany().HasForeignKey(r => r.AssetId).OnDelete(DeleteBehavior.Cascade);
        row.HasIndex(r => new { r.AssetId, r.At });
    }

    public void Configure(EntityTypeBuilder<AssetFamilyRow> row)
    {
        row.ToTable("asset_families");
        row.HasKey(r => r.Prefix);
    }

    public void Configure(EntityTypeBuilder<AssetTargetRow> row)
    {
        row.ToTable("asset_targets");
        row.HasKey(r => r.Id);
    }

    public void Configure(EntityTypeBuilder<AssetEventRow> row)
    {
        row.ToTable("asset_lifecycle_events");
        row.HasOne<AssetRow>().WithMany().HasForeignKey(r => r.AssetId).OnDelete(DeleteBehavior.Cascade);
        row.Property(r => r.Kind).HasConversion<string>().HasMaxLength(32);
        row.Property(r => r.Severity).HasConversion<string>().HasMaxLength(16);
        row.Property(r => r.PreviousSeverity).HasConversion<string>().HasMaxLength(16);
        row.Property(r => r.AlertKind).HasConversion<string>().HasMaxLength(16);
        row.Property(r => r.ServiceKind).HasConversion<string>().HasMaxLength(16);
        row.HasIndex(r => new { r.AssetId, r.AtUnixMs });
        // The fleet questions of the loop: "bearing-wear alerts raised on revision C in the last 30 days" is one range
        // scan of the first; without a failure mode, of the second.
        row.HasIndex(r => new { r.Kind, r.FailureMode, r.Item, r.Revision, r.AtUnixMs });
        row.HasIndex(r => new { r.Kind, r.Item, r.Revision, r.AtUnixMs });
        row.HasIndex(r => r.AlertId);
    }

    public void Configure(EntityTypeBuilder<TriageRow> row)
    {
        row.ToTable("triage_queue");
        row.HasIndex(r => new { r.Closed, r.CreatedAt });
    }
}
