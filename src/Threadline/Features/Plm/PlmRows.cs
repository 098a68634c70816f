using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Threadline.Features.Plm;

// Persistence shapes of the PLM records. Revisions and their content are keyed by the natural key
// (item number, revision code) so that a rewrite of one item's rows never renumbers anything others refer to.

public sealed class ItemRow
{
    public required string Number { get; set; }
    public required string NumberKey { get; set; }
    public required string Name { get; set; }
    public required string Kind { get; set; }
    public required string Uom { get; set; }
    public string? Family { get; set; }
}

public sealed class RevisionRow
{
    public required string ItemNumber { get; set; }
    public required string Code { get; set; }
    public int Ordinal { get; set; }
    public required string State { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EffectiveFrom { get; set; }
    public DateTimeOffset? SupersededAt { get; set; }

    /// <summary>The revision's twin model document as canonical JSON (a document people and tools write, kept whole), or null.</summary>
    public string? TwinModel { get; set; }
}

public sealed class BomLineRow
{
    public long Id { get; set; }
    public required string ItemNumber { get; set; }
    public required string RevisionCode { get; set; }
    public int Position { get; set; }
    public required string FindNumber { get; set; }
    public required string ChildNumber { get; set; }
    public decimal Quantity { get; set; }
    public List<string> ReferenceDesignators { get; set; } = [];
    public string? PinnedRevision { get; set; }
    public string? SerialFrom { get; set; }
    public string? SerialTo { get; set; }
    public DateTimeOffset? DateFrom { get; set; }
    public DateTimeOffset? DateTo { get; set; }
    public List<string> Lots { get; set; } = [];
}

public sealed class DesignLimitRow
{
    public long Id { get; set; }
    public required string ItemNumber { get; set; }
    public required string RevisionCode { get; set; }
    public int Position { get; set; }
    public required string Signal { get; set; }
    public double? Min { get; set; }
    public double? Max { get; set; }
    public required string Unit { get; set; }
    public required string Severity { get; set; }
}

public sealed class ServiceBomRow
{
    public long Id { get; set; }
    public required string ItemNumber { get; set; }
    public required string RevisionCode { get; set; }
    public int Position { get; set; }
    public required string FindNumberPath { get; set; }
    public required string CoveredItem { get; set; }
    public double? ReplacementIntervalHours { get; set; }
    public List<string> ServiceParts { get; set; } = [];
    public string? LabourOperation { get; set; }
}

/// <summary>One row whose version goes up with every PLM write: readers use it to refresh their snapshot, writers to detect a concurrent write.</summary>
public sealed class CatalogVersionRow
{
    public int Id { get; set; }
    public long Version { get; set; }
}

internal sealed class PlmModelConfiguration :
    IEntityTypeConfiguration<ItemRow>,
    IEntityTypeConfiguration<RevisionRow>,
    IEntityTypeConfiguration<BomLineRow>,
    IEntityTypeConfiguration<DesignLimitRow>,
    IEntityTypeConfiguration<ServiceBomRow>,
    IEntityTypeConfiguration<CatalogVersionRow>
{
    public void Configure(EntityTypeBuilder<ItemRow> item)
    {
        item.ToTable("items");
        item.HasKey(i => i.Number);
        item.Property(i => i.Number).HasMaxLength(64);
        item.HasIndex(i => i.NumberKey).IsUnique();
        item.Property(i => i.Kind).HasMaxLength(16);
    }

    public void Configure(EntityTypeBuilder<RevisionRow> revision)
    {
        revision.ToTable("item_revisions");
        revision.HasKey(r => new { r.ItemNumber, r.Code });
        revision.HasOne<ItemRow>().WithMany().HasForeignKey(r => r.ItemNumber).OnDelete(DeleteBehavior.Cascade);
        revision.Property(r => r.State).HasMaxLength(16);
    }

    public void Configure(EntityTypeBuilder<BomLineRow> line)
    {
        line.ToTable("bom_lines");
        line.HasOne<RevisionRow>().WithMany().HasForeignKey(l => new { l.ItemNumber, l.RevisionCode }).OnDelete(DeleteBehavior.Cascade);
        line.HasOne<ItemRow>().WithMany().HasForeignKey(l => l.ChildNumber).OnDelete(DeleteBehavior.Restrict);
        line.HasIndex(l => l.ChildNumber);
        line.Property(l => l.Quantity).HasPrecision(18, 6);
    }

    public void Configure(EntityTypeBuilder<DesignLimitRow> limit)
    {
        limit.ToTable("design_limits");
        limit.HasOne<RevisionRow>().WithMany().HasForeignKey(l => new { l.ItemNumber, l.RevisionCode }).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ServiceBomRow> entry)
    {
        entry.ToTable("service_bom_entries");
        entry.HasOne<RevisionRow>().WithMany().HasForeignKey(e => new { e.ItemNumber, e.RevisionCode }).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<CatalogVersionRow> version)
    {
        version.ToTable("catalog_version");
        version.HasKey(v => v.Id);
        version.Property(v => v.Id).ValueGeneratedNever();
        version.HasData(new CatalogVersionRow { Id = 1, Version = 0 });
    }
}
