using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;
using Threadline.Hosting;

namespace Threadline.Storage;

/// <summary>
/// Creates contexts for the configured provider and migrates the schema. The provider is chosen by explicit
/// configuration (Storage:Provider), never guessed from the connection string.
/// </summary>
public sealed class ThreadlineDb
{
    private readonly Func<ThreadlineDbContext> _create;

    public ThreadlineDb(IOptions<StorageOptions> options, IOptions<HostingPaths> paths)
    {
        var storage = options.Value;
        IsPostgres = string.Equals(storage.Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase);
        if (IsPostgres)
        {
            ConnectionString = storage.ConnectionString!;
            var built = Configure(new DbContextOptionsBuilder<PostgresThreadlineDbContext>(), storage).Options;
            _create = () => new PostgresThreadlineDbContext(built);
        }
        else
        {
            ConnectionString = storage.ConnectionString
                ?? new SqliteConnectionStringBuilder { DataSource = Path.Combine(paths.Value.DataDirectory, "threadline.db") }.ToString();
            var built = Configure(new DbContextOptionsBuilder<SqliteThreadlineDbContext>(), new StorageOptions { Provider = storage.Provider, ConnectionString = ConnectionString, CommandTimeoutSeconds = storage.CommandTimeoutSeconds }).Options;
            _create = () => new SqliteThreadlineDbContext(built);
        }
    }

    public bool IsPostgres { get; }

    public string ConnectionString { get; }

    public ThreadlineDbContext CreateContext() => _create();

    /// <summary>Creates the database if needed and applies every pending migration.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (!IsPostgres)
        {
            var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }
        }
        await using var db = CreateContext();
        await db.Database.MigrateAsync(cancellationToken);
        if (!IsPostgres)
        {
            // WAL lets the server read while an import writes, and survives a crash without a torn page.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    internal static DbContextOptionsBuilder<T> Configure<T>(DbContextOptionsBuilder<T> builder, StorageOptions storage)
        where T : DbContext
    {
        if (typeof(T) == typeof(PostgresThreadlineDbContext))
        {
            builder.UseNpgsql(storage.ConnectionString, npgsql => npgsql
                .CommandTimeout(storage.CommandTimeoutSeconds)
                .MigrationsHistoryTable("__ef_migrations_history"));
        }
        else
        {
            builder.UseSqlite(storage.ConnectionString, sqlite => sqlite
                .CommandTimeout(storage.CommandTimeoutSeconds)
                .MigrationsHistoryTable("__ef_migrations_history"));
        }
        return builder.UseSnakeCaseNamingConvention();
    }
}

/// <summary>Lets `dotnet ef migrations add` build each provider's context without a running host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteThreadlineDbContext>
{
    public SqliteThreadlineDbContext CreateDbContext(string[] args) =>
        new(ThreadlineDb.Configure(new DbContextOptionsBuilder<SqliteThreadlineDbContext>(),
            new StorageOptions { ConnectionString = "Data Source=design-time.db" }).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresThreadlineDbContext>
{
    public PostgresThreadlineDbContext CreateDbContext(string[] args) =>
        new(ThreadlineDb.Configure(new DbContextOptionsBuilder<PostgresThreadlineDbContext>(),
            new StorageOptions { Provider = StorageProviders.Postgres, ConnectionString = "Host=localhost;Database=design_time" }).Options);
}
