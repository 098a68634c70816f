using Microsoft.EntityFrameworkCore;
using Threadline.Features.Plm;

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

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ThreadlineDbContext).Assembly);
}

public sealed class SqliteThreadlineDbContext(DbContextOptions<SqliteThreadlineDbContext> options) : ThreadlineDbContext(options);

public sealed class PostgresThreadlineDbContext(DbContextOptions<PostgresThreadlineDbContext> options) : ThreadlineDbContext(options);
