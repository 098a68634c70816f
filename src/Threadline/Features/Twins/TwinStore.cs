using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Threadline.Storage;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>Twin state and snapshots in the relational store (SQLite by default, PostgreSQL when configured).</summary>
public sealed class TwinStore(ThreadlineDb db)
{
    public async Task<TwinState?> LoadAsync(string assetId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var json = await context.TwinStates.AsNoTracking().Where(t => t.AssetId == assetId).Select(t => t.State).FirstOrDefaultAsync(ct);
        return json is null ? null : TwinStateJson.Deserialize(json);
    }

    /// <summary>
    /// Writes one state, and keeps it as the snapshot of its period of source time (the last state written within a
    /// period wins), so time travel answers with the twin as it stood at the end of each period. The runtime writes
    /// through <see cref="TwinStateWriter"/>, which calls <see cref="WriteAsync"/> for many twins at once.
    /// </summary>
    public Task SaveAsync(TwinState state, string revision, string? site, DateTimeOffset savedAt, TimeSpan snapshotPeriod, CancellationToken ct)
    {
        var json = TwinStateJson.Serialize(state);
        var row = new TwinStateWrite(state, revision, site, savedAt, json);
        return WriteAsync([row], state.UpdatedAt is { } at ? [new TwinSnapshotWrite(state.AssetId, SnapshotPeriod(at, snapshotPeriod), at, json)] : [], ct);
    }

    /// <summary>Which period of source time a state updated at <paramref name="at"/> is a snapshot of.</summary>
    public static long SnapshotPeriod(DateTimeOffset at, TimeSpan snapshotPeriod) => at.ToUnixTimeMilliseconds() / (long)snapshotPeriod.TotalMilliseconds;

    /// <summary>
    /// Upserts many twins' states and snapshots in one transaction: a state replaces the twin's row; a snapshot replaces
    /// its (twin, period) row unless that one is later in source time. Each twin at most once in
    /// <paramref name="states"/> and each (twin, period) at most once in <paramref name="snapshots"/>.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<TwinStateWrite> states, IReadOnlyList<TwinSnapshotWrite> snapshots, CancellationToken ct)
    {
        if (states.Count == 0 && snapshots.Count == 0)
        {
            return;
        }
        await using var context = db.CreateContext();
        await context.Database.OpenConnectionAsync(ct);
        await using var transaction = await context.Database.BeginTransactionAsync(ct);
        var connection = context.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();
        // ON CONFLICT ... DO UPDATE reads the same in SQLite (3.24+) and PostgreSQL, so one statement serves both
        // providers; multi-row VALUES keeps the round trips to one per chunk.
        await UpsertAsync(connection, dbTransaction, states,
            "INSERT INTO twin_states (asset_id, revision, site, health, rul_days, active_alerts, updated_at, saved_at, state) VALUES ",
            " ON CONFLICT (asset_id) DO UPDATE SET revision = excluded.revision, site = excluded.site, health = excluded.health, "
                + "rul_days = excluded.rul_days, active_alerts = excluded.active_alerts, updated_at = excluded.updated_at, saved_at = excluded.saved_at, state = excluded.state",
            (command, row) => [
                Parameter(command, row.State.AssetId, DbType.String), Parameter(command, row.Revision, DbType.String),
                Parameter(command, row.Site, DbType.String), Parameter(command, row.State.Health, DbType.Double),
                Parameter(command, row.State.Rul.Days, DbType.Double), Parameter(command, row.State.Alerts.Length, DbType.Int32),
                Parameter(command, row.State.UpdatedAt?.ToUniversalTime(), DbType.DateTimeOffset),
                Parameter(command, row.SavedAt.ToUniversalTime(), DbType.DateTimeOffset), Parameter(command, row.Json, DbType.String)],
            ct);
        await UpsertAsync(connection, dbTransaction, snapshots,
            "INSERT INTO twin_snapshots (asset_id, at, at_unix_ms, period, state) VALUES ",
            " ON CONFLICT (asset_id, period) DO UPDATE SET at = excluded.at, at_unix_ms = excluded.at_unix_ms, state = excluded.state"
                + " WHERE twin_snapshots.at_unix_ms <= excluded.at_unix_ms",
            (command, row) => [
                Parameter(command, row.AssetId, DbType.String), Parameter(command, row.At.ToUniversalTime(), DbType.DateTimeOffset),
                Parameter(command, row.At.ToUnixTimeMilliseconds(), DbType.Int64), Parameter(command, row.Period, DbType.Int64),
                Parameter(command, row.Json, DbType.String)],
            ct);
        await transaction.CommitAsync(ct);
    }

    // 9 parameters a row: 200 rows stay far below SQLite's and PostgreSQL's parameter limits (32,766 and 65,535).
    private const int RowsPerStatement = 200;

    /// <summary>One multi-row INSERT ... ON CONFLICT statement per chunk of <paramref name="rows"/>.</summary>
    private static async Task UpsertAsync<TRow>(DbConnection connection, DbTransaction transaction, IReadOnlyList<TRow> rows, string insert, string onConflict,
        Func<DbCommand, TRow, string[]> parameters, CancellationToken ct)
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var values = new StringBuilder();
            foreach (var row in chunk)
            {
                values.Append(values.Length == 0 ? "(" : ", (").AppendJoin(", ", parameters(command, row)).Append(')');
            }
            command.CommandText = insert + values + onConflict;
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static string Parameter(DbCommand command, object? value, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    }

    /// <summary>The last snapshot taken at or before <paramref name="at"/>, or null when the twin had none yet.</summary>
    public async Task<TwinState?> SnapshotAsync(string assetId, DateTimeOffset at, CancellationToken ct)
    {
        var limit = at.ToUnixTimeMilliseconds();
        await using var context = db.CreateContext();
        var json = await context.TwinSnapshots.AsNoTracking()
            .Where(s => s.AssetId == assetId && s.AtUnixMs <= limit)
            .OrderByDescending(s => s.AtUnixMs).Select(s => s.State).FirstOrDefaultAsync(ct);
        return json is null ? null : TwinStateJson.Deserialize(json);
    }

    public async Task<IReadOnlyList<TwinStateRow>> ListAsync(string? site, double? minHealth, double? maxHealth, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var query = context.TwinStates.AsNoTracking();
        if (site is not null)
        {
            var below = site + "/";
            query = query.Where(t => t.Site == site || t.Site!.StartsWith(below));
        }
        if (minHealth is { } min)
        {
            query = query.Where(t => t.Health >= min);
        }
        if (maxHealth is { } max)
        {
            query = query.Where(t => t.Health <= max);
        }
        // Without State: the list must not read every twin's JSON.
        var rows = await query.OrderBy(t => t.AssetId).Select(t => new TwinStateRow
        {
            AssetId = t.AssetId, Revision = t.Revision, Site = t.Site, Health = t.Health, RulDays = t.RulDays,
            ActiveAlerts = t.ActiveAlerts, UpdatedAt = t.UpdatedAt, SavedAt = t.SavedAt, State = "",
        }).ToListAsync(ct);
        return rows;
    }
}

/// <summary>One twin's state to write: the row of twin_states. <see cref="SavedAt"/> is server time; <see cref="Json"/> is <see cref="TwinStateJson"/> of the state.</summary>
public sealed record TwinStateWrite(TwinState State, string Revision, string? Site, DateTimeOffset SavedAt, string Json);

/// <summary>A twin's state as the snapshot of one period of source time (<see cref="TwinStore.SnapshotPeriod"/>); <see cref="At"/> is the state's last sample time.</summary>
public sealed record TwinSnapshotWrite(string AssetId, long Period, DateTimeOffset At, string Json);
