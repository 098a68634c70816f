using Npgsql;

namespace Threadline.Bench;

/// <summary>A throw-away PostgreSQL database on a server where the user may create databases, for one benchmark run.</summary>
internal static class ScratchPostgres
{
    public static async Task<(string Database, string ConnectionString)> CreateAsync(string admin)
    {
        var name = "threadline_bench_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return (name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    public static async Task DropAsync(string admin, string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
