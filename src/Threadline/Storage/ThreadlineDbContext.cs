using Microsoft.EntityFrameworkCore;
using Threadline.Features.Assets;
using Threadline.Features.Plm;
using Threadline.Features.Twins;

namespace Threadline.Storage;

/// <summary>
/// The relational store of every feature. Each provider has its own subclass only so that each keeps its own
/// migrations (EF Core migrations are provider-specific); the model is the same.
/// </summary>
public abstract class ThreadlineDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ItemRow> Items => Set<ItemRow>();

    public DbSet<RevisionRow> Revisions => Set<RevisionRow>();

    public DbSet<BomLineRow> BomLines => Set<BomLineRow>();

    public DbSet<DesignLimitRow> DesignLimits => Set<DesignLimitRow>();

    public DbSet<ServiceBomRow> ServiceBomEntries => Set<ServiceBomRow>();

    public DbSet<CatalogVersionRow> CatalogVersion => Set<CatalogVersionRow>();

    public DbSet<AssetRow> Assets => Set<AssetRow>();

    public DbSet<AsBuiltRow> AsBuilt => Set<AsBuiltRow>();

    public DbSet<ServiceEventRow> ServiceEvents => Set<ServiceEventRow>();

    public DbSet<AssetFamilyRow> AssetFamilies => Set<AssetFamilyRow>();

    public DbSet<AssetTargetRow> AssetTargets => Set<AssetTargetRow>();

    public DbSet<AssetEventRow> AssetEvents => Set<AssetEventRow>();

    public DbSet<TriageRow> Triage => Set<TriageRow>();

    public DbSet<TwinStateRow> TwinStates => Set<TwinStateRow>();

    public DbSet<TwinSnapshotRow> TwinSnapshots => Set<TwinSnapshotRow>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ThreadlineDbContext).Assembly);
}

public sealed class SqliteThreadlineDbContext(DbContextOptions<SqliteThreadlineDbContext> options) : ThreadlineDbContext(options);

public sealed class PostgresThreadlineDbContext(DbContextOptions<PostgresThreadlineDbContext> options) : ThreadlineDbContext(options);
