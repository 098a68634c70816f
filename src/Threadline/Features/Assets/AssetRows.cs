using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

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

public sealed class AssetEventRow
{
    public long Id { get; set; }
    public required string AssetId { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Item { get; set; }
    public required string Revision { get; set; }
    public string? Signal { get; set; }
    public double? Value { get; set; }
    public string? Unit { get; set; }
    public double? LimitMin { get; set; }
    public double? LimitMax { get; set; }
    public string? Severity { get; set; }
    public string? Details { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
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
        row.HasIndex(r => new { r.AssetId, r.At });
    }

    public void Configure(EntityTypeBuilder<TriageRow> row)
    {
        row.ToTable("triage_queue");
        row.HasIndex(r => new { r.Closed, r.CreatedAt });
    }
}
