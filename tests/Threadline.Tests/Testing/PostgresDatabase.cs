using Npgsql;

namespace Threadline.Testing;

/// <summary>
/// A fresh, empty PostgreSQL database per test class on the server ./test.sh starts on loopback
/// (connection in THREADLINE_TEST_POSTGRES). Dropped afterwards.
/// </summary>
public sealed class PostgresDatabase : IAsyncLifetime
{
    public const string EnvironmentVariable = "THREADLINE_TEST_POSTGRES";

    private readonly string _server = Environment.GetEnvironmentVariable(EnvironmentVariable)
        ?? throw new InvalidOperationException(
            $"{EnvironmentVariable} is not set: the PostgreSQL tests need a server. Run ./test.sh, which installs and starts one on loopback, " +
            "or set it to a connection string of a server where the user may create databases.");

    private readonly string _name = "threadline_test_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _name, Pooling = false }.ToString();

    public async Task InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>Hands out fresh databases to a test class and drops them all when the class is done.</summary>
public sealed class PostgresDatabaseFactory : IAsyncLifetime
{
    private readonly List<PostgresDatabase> _databases = [];

    public async Task<PostgresDatabase> CreateAsync()
    {
        var database = new PostgresDatabase();
        await database.InitializeAsync();
        lock (_databases)
        {
            _databases.Add(database);
        }
        return database;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}
