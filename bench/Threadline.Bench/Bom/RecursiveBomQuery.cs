using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Threadline.Plm;

namespace Threadline.Bench.Bom;

/// <summary>One node of a resolved structure, flattened: the find-number path from the top, the item, its revision and the line quantity.</summary>
internal readonly record struct FlatBomRow(string Path, string Item, string? Revision, decimal Quantity);

/// <summary>
/// The as-designed BOM question answered by one recursive SQL query over the real bom_lines and item_revisions
/// tables, the way a server without an in-memory snapshot would answer it. A prepared command on an open
/// connection; each call returns every row.
/// </summary>
internal abstract class RecursiveBomQuery : IAsyncDisposable
{
    private const string ReleasedStates = "'Released', 'Superseded', 'Obsolete', 'Archived'";

    public abstract string Name { get; }

    public abstract List<FlatBomRow> Run(string root, BomQuery query);

    public abstract ValueTask DisposeAsync();

    protected static List<FlatBomRow> Read(DbDataReader reader)
    {
        var rows = new List<FlatBomRow>();
        while (reader.Read())
        {
            rows.Add(new FlatBomRow(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDecimal(3)));
        }
        return rows;
    }

    // The same statement for both engines apart from the column types the recursion carries (SQLite keeps EF's
    // decimal as text, which reads back exactly) and how a lot list is stored (JSON text in SQLite, text[] in PostgreSQL).
    protected static string Sql(string text, string number, string lotMatch) => $"""
        WITH RECURSIVE
        root(item_number, code) AS (
            SELECT CAST(r.item_number AS {text}), CAST(r.code AS {text})
            FROM item_revisions r
            WHERE r.item_number = @root AND r.state IN ({ReleasedStates})
              AND r.effective_from <= @at AND (r.superseded_at IS NULL OR r.superseded_at > @at)
        ),
        tree(path, item_number, code, quantity) AS (
            SELECT CAST('' AS {text}), item_number, code, CAST(1 AS {number}) FROM root
            UNION ALL
            SELECT CAST(t.path || '/' || l.find_number || ':' || l.child_number AS {text}),
                   CAST(l.child_number AS {text}), CAST(r.code AS {text}), CAST(l.quantity AS {number})
            FROM tree t
            JOIN bom_lines l ON l.item_number = t.item_number AND l.revision_code = t.code
            LEFT JOIN item_revisions r ON r.item_number = l.child_number AND (
                 (l.pinned_revision IS NOT NULL AND r.code = l.pinned_revision)
              OR (l.pinned_revision IS NULL AND r.state IN ({ReleasedStates})
                  AND r.effective_from <= @at AND (r.superseded_at IS NULL OR r.superseded_at > @at)))
            WHERE (l.date_from IS NULL OR l.date_from <= @at) AND (l.date_to IS NULL OR l.date_to > @at)
              AND (@serial IS NULL OR ((l.serial_from IS NULL OR l.serial_from <= @serial) AND (l.serial_to IS NULL OR l.serial_to >= @serial)))
              AND (@lot IS NULL OR {lotMatch})
        )
        SELECT path, item_number, code, quantity FROM tree WHERE path <> ''
        """;
}

internal sealed class SqliteBomQuery : RecursiveBomQuery
{
    // EF Core's SQLite provider stores DateTimeOffset as this text; all instants here are whole-second UTC, so
    // text order is time order. The benchmark checks the stored format before it trusts the comparison.
    public const string InstantFormat = "yyyy-MM-dd HH:mm:sszzz";

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _command;

    public SqliteBomQuery(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        _command = _connection.CreateCommand();
        _command.CommandText = Sql("TEXT", "TEXT",
            "l.lots = '[]' OR EXISTS (SELECT 1 FROM json_each(l.lots) j WHERE upper(j.value) = upper(@lot))");
        _command.Parameters.Add("@root", SqliteType.Text);
        _command.Parameters.Add("@at", SqliteType.Text);
        _command.Parameters.Add("@serial", SqliteType.Text);
        _command.Parameters.Add("@lot", SqliteType.Text);
        _command.Prepare();
    }

    public override string Name => "SQLite recursive CTE";

    public override List<FlatBomRow> Run(string root, BomQuery query)
    {
        _command.Parameters["@root"].Value = root;
        _command.Parameters["@at"].Value = query.At.ToUniversalTime().ToString(InstantFormat, CultureInfo.InvariantCulture);
        _command.Parameters["@serial"].Value = (object?)query.Serial?.Value ?? DBNull.Value;
        _command.Parameters["@lot"].Value = (object?)query.Lot ?? DBNull.Value;
        using var reader = _command.ExecuteReader();
        return Read(reader);
    }

    public override async ValueTask DisposeAsync()
    {
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

internal sealed class PostgresBomQuery : RecursiveBomQuery
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _command;

    private PostgresBomQuery(NpgsqlConnection connection)
    {
        _connection = connection;
        _command = connection.CreateCommand();
        _command.CommandText = Sql("TEXT", "NUMERIC",
            "cardinality(l.lots) = 0 OR EXISTS (SELECT 1 FROM unnest(l.lots) x WHERE upper(x) = upper(@lot))");
        _command.Parameters.Add(new NpgsqlParameter("root", NpgsqlDbType.Text));
        _command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.TimestampTz));
        _command.Parameters.Add(new NpgsqlParameter("serial", NpgsqlDbType.Text));
        _command.Parameters.Add(new NpgsqlParameter("lot", NpgsqlDbType.Text));
    }

    public static async Task<PostgresBomQuery> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var query = new PostgresBomQuery(connection);
        await query._command.PrepareAsync();
        return query;
    }

    public override string Name => "PostgreSQL recursive CTE";

    public override List<FlatBomRow> Run(string root, BomQuery query)
    {
        _command.Parameters["root"].Value = root;
        _command.Parameters["at"].Value = query.At.ToUniversalTime();
        _command.Parameters["serial"].Value = (object?)query.Serial?.Value ?? DBNull.Value;
        _command.Parameters["lot"].Value = (object?)query.Lot ?? DBNull.Value;
        using var reader = _command.ExecuteReader();
        return Read(reader);
    }

    public override async ValueTask DisposeAsync()
    {
        await _command.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
