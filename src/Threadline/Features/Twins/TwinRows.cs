using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Threadline.Features.Twins;

/// <summary>A twin's persisted state (JSON of Threadline.Twins.TwinState) and the figures the list query filters on.</summary>
public sealed class TwinStateRow
{
    public required string AssetId { get; set; }
    public required string Revision { get; set; }
    public string? Site { get; set; }
    public double? Health { get; set; }
    public double? RulDays { get; set; }
    public int ActiveAlerts { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public required string State { get; set; }
}

/// <summary>A twin's state as it was at <see cref="At"/> (source time of its last sample then), for time travel.</summary>
public sealed class TwinSnapshotRow
{
    public long Id { get; set; }
    public required string AssetId { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary><see cref="At"/> as Unix milliseconds: SQLite can neither compare nor order DateTimeOffset columns.</summary>
    public long AtUnixMs { get; set; }

    /// <summary>Which Twins:SnapshotIntervalMinutes period of source time this is the last state of.</summary>
    public long Period { get; set; }
    public required string State { get; set; }
}

internal sealed class TwinModelConfiguration : IEntityTypeConfiguration<TwinStateRow>, IEntityTypeConfiguration<TwinSnapshotRow>
{
    public void Configure(EntityTypeBuilder<TwinStateRow> row)
    {
        row.ToTable("twin_states");
        row.HasKey(r => r.AssetId);
        row.HasIndex(r => r.Site);
    }

    public void Configure(EntityTypeBuilder<TwinSnapshotRow> row)
    {
        row.ToTable("twin_snapshots");
        row.HasIndex(r => new { r.AssetId, r.AtUnixMs });
        row.HasIndex(r => new { r.AssetId, r.Period }).IsUnique();
    }
}
