using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using Threadline.Storage;
using Threadline.Telemetry;

namespace Threadline.Features.Telemetry;

/// <summary>
/// The scale-out time-series store on PostgreSQL, written with Npgsql directly. The batches waiting in this process
/// (<see cref="GroupCommit{TItem, TResult}"/>) are binary-COPYed into a per-connection staging table, then moved with
/// INSERT ... ON CONFLICT DO NOTHING RETURNING (what comes back is what was new) and the rollup deltas upserted,
/// all in one transaction committed before <see cref="AppendAsync"/> returns. Several servers may write: nothing
/// but the series ids (which never change) is cached, and rows are written in key order so that concurrent
/// writers cannot deadlock.
/// </summary>
public sealed class PostgresTelemetryStore : ITelemetryStore, IAsyncDisposable, IDisposable
{
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7261146320985153001);
        CREATE TABLE IF NOT EXISTS telemetry_series (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, asset_id text NOT NULL, signal text NOT NULL,
            UNIQUE (asset_id, signal));
        CREATE TABLE IF NOT EXISTS telemetry_raw (
            series_id integer NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL, unit text,
            quality smallint NOT NULL, source text NOT NULL, seq bigint, stamped_on_arrival boolean NOT NULL,
            PRIMARY KEY (series_id, ts));
        CREATE TABLE IF NOT EXISTS telemetry_rollup_1m (
            series_id integer NOT NULL, bucket timestamptz NOT NULL, n bigint NOT NULL, min double precision NOT NULL,
            max double precision NOT NULL, mean double precision NOT NULL, m2 double precision NOT NULL, PRIMARY KEY (series_id, bucket));
        CREATE TABLE IF NOT EXISTS telemetry_rollup_1h (
            series_id integer NOT NULL, bucket timestamptz NOT NULL, n bigint NOT NULL, min double precision NOT NULL,
            max double precision NOT NULL, mean double precision NOT NULL, m2 double precision NOT NULL, PRIMARY KEY (series_id, bucket));
        CREATE INDEX IF NOT EXISTS telemetry_rollup_1m_bucket ON telemetry_rollup_1m (bucket);
        CREATE INDEX IF NOT EXISTS telemetry_rollup_1h_bucket ON telemetry_rollup_1h (bucket);
        """;

    // Temporary, so each physical connection has its own, created once when it opens; emptied by every commit.
    private const string Staging = """
        CREATE TEMP TABLE IF NOT EXISTS stage_raw (
            series_id integer NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL, unit text,
            quality smallint NOT NULL, source text NOT NULL, seq bigint, stamped_on_arrival boolean NOT NULL) ON COMMIT DELETE ROWS
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TelemetryOptions _options;
    private readonly ConcurrentDictionary<(string AssetId, string Signal), int> _seriesIds = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly GroupCommit<TelemetryPoint, AppendResult> _groupCommit;

    public PostgresTelemetryStore(string connectionString, TelemetryOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The pool's reset on return (DISCARD ALL) would drop the staging table every time; this store keeps no other session state.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand(Staging, connection);
                command.ExecuteNonQuery();
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand(Staging, connection);
                await command.ExecuteNonQueryAsync();
            });
        _dataSource = builder.Build();
        _options = options;
        // One transaction at a time from this process, holding every batch that waited for it; other servers write beside it.
        _groupCommit = new GroupCommit<TelemetryPoint, AppendResult>(_writeLock, 50_000, WriteGroupAsync);
    }

    public async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    public Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken) =>
        points.Count == 0 ? Task.FromResult(new AppendResult(0, 0, 0)) : _groupCommit.AppendAsync(points, cancellationToken);

    private async Task<AppendResult[]> WriteGroupAsync(IReadOnlyList<IReadOnlyList<TelemetryPoint>> group, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await ResolveSeriesAsync(connection, group.SelectMany(TelemetryBatch.SeriesKeys).Distinct(), cancellationToken);
        var seen = new HashSet<(int, long)>();
        var batches = group.Select(points => TelemetryBatch.Stage(points, ids, seen)).ToList();

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY stage_raw (series_id, ts, value, unit, quality, source, seq, stamped_on_arrival) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var staged in batches.SelectMany(b => b.Points))
            {
                var p = staged.Point;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(staged.SeriesId, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(staged.Timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(p.Value, NpgsqlDbType.Double, cancellationToken);
                if (p.Unit is { } unit)
                {
                    await copy.WriteAsync(unit, NpgsqlDbType.Text, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                await copy.WriteAsync((short)p.Quality, NpgsqlDbType.Smallint, cancellationToken);
                await copy.WriteAsync(p.Source, NpgsqlDbType.Text, cancellationToken);
                if (p.Seq is { } seq)
                {
                    await copy.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                await copy.WriteAsync(p.StampedOnArrival, NpgsqlDbType.Boolean, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }

        var seriesInBatch = ids.Values.Distinct().ToArray();
        var newest = new Dictionary<int, long>(seriesInBatch.Length);
        var stored = new HashSet<(int, long)>(seen.Count);
        await using (var move = new NpgsqlBatch(connection, transaction))
        {
            // Read before the insert, in the same transaction: the newest point of each series before this batch.
            move.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT s.id, (SELECT max(r.ts) FROM telemetry_raw r WHERE r.series_id = s.id) FROM unnest($1::integer[]) AS s(id)")
            { Parameters = { new NpgsqlParameter { Value = seriesInBatch } } });
            move.BatchCommands.Add(new NpgsqlBatchCommand("""
                INSERT INTO telemetry_raw SELECT * FROM stage_raw ORDER BY series_id, ts
                ON CONFLICT DO NOTHING RETURNING series_id, ts
                """));
            await using var reader = await move.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!await reader.IsDBNullAsync(1, cancellationToken))
                {
                    newest[reader.GetInt32(0)] = reader.GetDateTime(1).Ticks;
                }
            }
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add((reader.GetInt32(0), reader.GetDateTime(1).Ticks));
            }
        }

        var minutes = new Dictionary<(int, long), RollupStatistics>();
        var hours = new Dictionary<(int, long), RollupStatistics>();
        var results = batches.Select(b => b.Account(stored, newest, minutes, hours)).ToArray();
        await using (var rollups = new NpgsqlBatch(connection, transaction))
        {
            rollups.BatchCommands.Add(Upsert("telemetry_rollup_1m", TelemetryBatch.Sorted(minutes)));
            rollups.BatchCommands.Add(Upsert("telemetry_rollup_1h", TelemetryBatch.Sorted(hours)));
            await rollups.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        ReadRawAsync(assetId, signal, from, to, int.MaxValue, cancellationToken);

    public async Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (from >= to || limit <= 0 || await FindSeriesAsync(connection, assetId, signal, cancellationToken) is not { } seriesId)
        {
            return [];
        }
        await using var command = new NpgsqlCommand("""
            SELECT ts, value, unit, quality, source, seq, stamped_on_arrival FROM telemetry_raw
            WHERE series_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4
            """, connection)
        {
            Parameters =
            {
                new() { Value = seriesId },
                new() { Value = ITelemetryStore.ToStoredTime(from) },
                new() { Value = ITelemetryStore.ToStoredTime(to) },
                new() { Value = (long)limit },
            },
        };
        var points = new List<TelemetryPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new TelemetryPoint(assetId, signal, TelemetryBatch.FromStoredTime(reader.GetDateTime(0)), reader.GetDouble(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), (TelemetryQuality)reader.GetInt16(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.GetBoolean(6)));
        }
        return points;
    }

    public async Task<IReadOnlyList<TelemetryPoint>> ReadRawAfterAsync(string assetId, IReadOnlyList<SignalAfter> signals, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        if (signals.Count == 0 || limit <= 0)
        {
            return [];
        }
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT s.signal, r.ts, r.value, r.unit, r.quality, r.source, r.seq, r.stamped_on_arrival
            FROM unnest($2::text[], $3::timestamptz[]) AS q(signal, after)
            JOIN telemetry_series s ON s.asset_id = $1 AND s.signal = q.signal
            JOIN telemetry_raw r ON r.series_id = s.id AND r.ts > q.after AND r.ts < $4
            ORDER BY r.ts, s.signal COLLATE "C" LIMIT $5
            """, connection)
        {
            Parameters =
            {
                new() { Value = assetId },
                new() { Value = signals.Select(s => s.Signal).ToArray() },
                new() { Value = signals.Select(s => ITelemetryStore.ToStoredTime(s.After)).ToArray() },
                new() { Value = ITelemetryStore.ToStoredTime(to) },
                new() { Value = (long)limit },
            },
        };
        var points = new List<TelemetryPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            points.Add(new TelemetryPoint(assetId, reader.GetString(0), TelemetryBatch.FromStoredTime(reader.GetDateTime(1)), reader.GetDouble(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), (TelemetryQuality)reader.GetInt16(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6), reader.GetBoolean(7)));
        }
        return points;
    }

    public async Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        var tier = TelemetryRollups.TierFor(step);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        if (from >= to || await FindSeriesAsync(connection, assetId, signal, cancellationToken) is not { } seriesId)
        {
            return [];
        }
        var table = tier == RollupTier.Hour ? "telemetry_rollup_1h" : "telemetry_rollup_1m";
        await using var command = new NpgsqlCommand(
            $"SELECT bucket, n, min, max, mean, m2 FROM {table} WHERE series_id = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket", connection)
        {
            Parameters =
            {
                new() { Value = seriesId },
                new() { Value = ITelemetryStore.ToStoredTime(from) },
                new() { Value = ITelemetryStore.ToStoredTime(to) },
            },
        };
        var rows = new List<(DateTime, RollupStatistics)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetDateTime(0), new RollupStatistics(reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5))));
        }
        return TelemetryRollups.Merge(rows, step);
    }

    public async Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("DELETE FROM telemetry_raw WHERE ts < $1") { Parameters = { new() { Value = ITelemetryStore.ToStoredTime(now.AddDays(-_options.RawRetentionDays)) } } },
                new("DELETE FROM telemetry_rollup_1m WHERE bucket < $1") { Parameters = { new() { Value = ITelemetryStore.ToStoredTime(now.AddDays(-_options.MinuteRetentionDays)) } } },
                new("DELETE FROM telemetry_rollup_1h WHERE bucket < $1") { Parameters = { new() { Value = ITelemetryStore.ToStoredTime(now.AddDays(-_options.HourRetentionDays)) } } },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        _writeLock.Dispose();
    }

    public void Dispose()
    {
        _dataSource.Dispose();
        _writeLock.Dispose();
    }

    private async Task<Dictionary<(string AssetId, string Signal), int>> ResolveSeriesAsync(
        NpgsqlConnection connection, IEnumerable<(string AssetId, string Signal)> keys, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<(string AssetId, string Signal), int>();
        var missing = new List<(string AssetId, string Signal)>();
        foreach (var key in keys)
        {
            if (_seriesIds.TryGetValue(key, out var id))
            {
                ids[key] = id;
            }
            else
            {
                missing.Add(key);
            }
        }
        if (missing.Count == 0)
        {
            return ids;
        }
        missing.Sort((a, b) => (string.CompareOrdinal(a.AssetId, b.AssetId) is var c and not 0) ? c : string.CompareOrdinal(a.Signal, b.Signal));
        var assets = missing.Select(k => k.AssetId).ToArray();
        var signals = missing.Select(k => k.Signal).ToArray();
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("INSERT INTO telemetry_series (asset_id, signal) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING")
                { Parameters = { new() { Value = assets }, new() { Value = signals } } },
                new("SELECT s.id, s.asset_id, s.signal FROM telemetry_series s JOIN unnest($1::text[], $2::text[]) AS k(a, g) ON s.asset_id = k.a AND s.signal = k.g")
                { Parameters = { new() { Value = assets }, new() { Value = signals } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = (reader.GetString(1), reader.GetString(2));
            ids[key] = _seriesIds[key] = reader.GetInt32(0);
        }
        return ids;
    }

    private async Task<int?> FindSeriesAsync(NpgsqlConnection connection, string assetId, string signal, CancellationToken cancellationToken)
    {
        if (_seriesIds.TryGetValue((assetId, signal), out var id))
        {
            return id;
        }
        await using var command = new NpgsqlCommand("SELECT id FROM telemetry_series WHERE asset_id = $1 AND signal = $2", connection)
        {
            Parameters = { new() { Value = assetId }, new() { Value = signal } },
        };
        if (await command.ExecuteScalarAsync(cancellationToken) is int found)
        {
            _seriesIds[(assetId, signal)] = found;
            return found;
        }
        return null;
    }

    // Chan et al. merge of the stored bucket (t) with the batch's delta (excluded); every right-hand side reads the old row.
    private static NpgsqlBatchCommand Upsert(string table, List<RollupDelta> deltas) => new($"""
        INSERT INTO {table} AS t (series_id, bucket, n, min, max, mean, m2)
        SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
        ON CONFLICT (series_id, bucket) DO UPDATE SET
            n = t.n + excluded.n,
            min = least(t.min, excluded.min),
            max = greatest(t.max, excluded.max),
            mean = t.mean + (excluded.mean - t.mean) * excluded.n / (t.n + excluded.n),
            m2 = t.m2 + excluded.m2 + (excluded.mean - t.mean) * (excluded.mean - t.mean) * t.n * excluded.n / (t.n + excluded.n)
        """)
    {
        Parameters =
        {
            new() { Value = deltas.Select(d => d.SeriesId).ToArray() },
            new() { Value = deltas.Select(d => d.Bucket).ToArray() },
            new() { Value = deltas.Select(d => d.Stats.Count).ToArray() },
            new() { Value = deltas.Select(d => d.Stats.Min).ToArray() },
            new() { Value = deltas.Select(d => d.Stats.Max).ToArray() },
            new() { Value = deltas.Select(d => d.Stats.Mean).ToArray() },
            new() { Value = deltas.Select(d => d.Stats.M2).ToArray() },
        },
    };
}
