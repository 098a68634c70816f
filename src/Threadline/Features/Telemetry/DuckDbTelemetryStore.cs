using System.Collections.Concurrent;
using DuckDB.NET.Data;
using Threadline.Storage;
using Threadline.Telemetry;

namespace Threadline.Features.Telemetry;

/// <summary>
/// The embedded time-series store: one DuckDB file, owned by this process alone (DuckDB locks the file; a second
/// server on the same file fails to open it). Because nobody else writes, the series ids and each series' newest
/// timestamp are kept in memory. Every write goes through one connection; batches that arrive while a transaction
/// runs are written together in the next one (<see cref="GroupCommit{TItem, TResult}"/>), committed (WAL flushed) before
/// <see cref="AppendAsync"/> returns. Reads use their own connections and see the last committed transaction.
/// </summary>
/// <remarks>
/// The raw table has no key index: DuckDB keeps an ART index in memory and checks it row by row, which cost more
/// than the rest of an append and grows with the table. Identity (series, timestamp) is kept by the writer instead:
/// a point newer than its series' newest cannot be stored already and is appended as it is; only an older point
/// (late, or resent) is looked up, within the time span of the late points of the transaction. Files made before
/// this change keep their primary key, which the same writes respect.
/// Rollups are written the same way, without an upsert: each transaction appends its statistics per (series, bucket)
/// as a fragment, reads merge the fragments of a bucket (mergeable statistics, <see cref="TelemetryRollups.Merge"/>),
/// and compaction folds the fragments of each bucket into one row once enough have accumulated and at every
/// retention pass. An upsert on DuckDB's key index cost more than half of each transaction.
/// </remarks>
public sealed class DuckDbTelemetryStore : ITelemetryStore, IDisposable
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS telemetry_series (
            id INTEGER PRIMARY KEY, asset_id VARCHAR NOT NULL, signal VARCHAR NOT NULL, UNIQUE (asset_id, signal));
        CREATE TABLE IF NOT EXISTS telemetry_raw (
            series_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL, value DOUBLE NOT NULL, unit VARCHAR, quality UTINYINT NOT NULL,
            source VARCHAR NOT NULL, seq BIGINT, stamped_on_arrival BOOLEAN NOT NULL);
        CREATE TABLE IF NOT EXISTS telemetry_rollup_1m (
            series_id INTEGER NOT NULL, bucket TIMESTAMP NOT NULL, n BIGINT NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL,
            mean DOUBLE NOT NULL, m2 DOUBLE NOT NULL);
        CREATE TABLE IF NOT EXISTS telemetry_rollup_1h (
            series_id INTEGER NOT NULL, bucket TIMESTAMP NOT NULL, n BIGINT NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL,
            mean DOUBLE NOT NULL, m2 DOUBLE NOT NULL);
        CREATE TEMP TABLE IF NOT EXISTS stage_late (series_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL);
        CREATE TEMP TABLE IF NOT EXISTS stage_rollup_1m AS SELECT * FROM telemetry_rollup_1m LIMIT 0;
        CREATE TEMP TABLE IF NOT EXISTS stage_rollup_1h AS SELECT * FROM telemetry_rollup_1h LIMIT 0;
        """;

    // Bounds one group commit, so that a backlog is written in transactions of bounded size and memory.
    private const int MaxPointsPerTransaction = 100_000;

    private readonly string _connectionString;
    private readonly TelemetryOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<(string AssetId, string Signal), int> _seriesIds = new();
    // Written by the writer after each commit; read by twins catching up, to skip a query that can find nothing.
    private readonly ConcurrentDictionary<int, long> _newest = new();
    private readonly GroupCommit<TelemetryPoint, AppendResult> _groupCommit;
    private DuckDBConnection? _writer;
    private int _lastSeriesId;
    private readonly RollupFragments _minuteFragments = new("telemetry_rollup_1m");
    private readonly RollupFragments _hourFragments = new("telemetry_rollup_1h");

    // Catch-up reads of many twins share one query (the group commit's coalescing, for reads): without an index each
    // query scans the recent row groups of every series, so one scan per twin after a crash would cost twins × rows.
    private const int MaxCatchUpsPerQuery = 2_000;
    private readonly SemaphoreSlim _catchUpLock = new(1, 1);
    private readonly GroupCommit<CatchUpRequest, IReadOnlyList<TelemetryPoint>> _catchUps;

    private sealed record CatchUpRequest(string AssetId, IReadOnlyList<(int SeriesId, string Signal, DateTime After)> Series, DateTime To, int Limit);

    // Fragments appended since the last compaction, all tiers: past this, the next append compacts them.
    private const int CompactionThreshold = 50_000;

    public DuckDbTelemetryStore(string file, TelemetryOptions options)
    {
        File = Path.GetFullPath(file);
        _connectionString = new DuckDBConnectionStringBuilder { DataSource = File }.ToString();
        _options = options;
        _groupCommit = new GroupCommit<TelemetryPoint, AppendResult>(_writeLock, MaxPointsPerTransaction, WriteGroup);
        _catchUps = new GroupCommit<CatchUpRequest, IReadOnlyList<TelemetryPoint>>(_catchUpLock, MaxCatchUpsPerQuery, ReadCatchUpGroup);
    }

    public string File { get; }

    public async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            if (_writer is not null)
            {
                return;
            }
            if (Path.GetDirectoryName(File) is { } folder)
            {
                Directory.CreateDirectory(folder);
            }
            var writer = new DuckDBConnection(_connectionString);
            writer.Open();
            Execute(writer, $"SET threads TO {_options.DuckDbThreads}");
            Execute(writer, Schema);
            DropRollupKeys(writer);
            using (var series = writer.CreateCommand())
            {
                series.CommandText = "SELECT id, asset_id, signal FROM telemetry_series";
                using var reader = series.ExecuteReader();
                while (reader.Read())
                {
                    var id = reader.GetInt32(0);
                    _seriesIds[(reader.GetString(1), reader.GetString(2))] = id;
                    _lastSeriesId = Math.Max(_lastSeriesId, id);
                }
            }
            using (var newest = writer.CreateCommand())
            {
                // One scan at start; afterwards the writer keeps the figure up to date itself.
                newest.CommandText = "SELECT series_id, max(ts) FROM telemetry_raw GROUP BY series_id";
                using var reader = newest.ExecuteReader();
                while (reader.Read())
                {
                    _newest[reader.GetInt32(0)] = reader.GetDateTime(1).Ticks;
                }
            }
            _writer = writer;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<AppendResult> AppendAsync(IReadOnlyList<TelemetryPoint> points, CancellationToken cancellationToken)
    {
        if (points.Count == 0)
        {
            return Task.FromResult(new AppendResult(0, 0, 0));
        }
        _ = Writer;
        return _groupCommit.AppendAsync(points, cancellationToken);
    }

    private Task<AppendResult[]> WriteGroup(IReadOnlyList<IReadOnlyList<TelemetryPoint>> group, CancellationToken cancellationToken)
    {
        var writer = Writer;
        var newSeries = new Dictionary<(string AssetId, string Signal), int>();
        var ids = new Dictionary<(string AssetId, string Signal), int>();
        var nextId = _lastSeriesId;
        foreach (var key in group.SelectMany(TelemetryBatch.SeriesKeys))
        {
            if (ids.ContainsKey(key))
            {
                continue;
            }
            if (!_seriesIds.TryGetValue(key, out var id))
            {
                id = ++nextId;
                newSeries[key] = id;
            }
            ids[key] = id;
        }
        var seen = new HashSet<(int, long)>();
        var batches = group.Select(g => TelemetryBatch.Stage(g, ids, seen)).ToList();

        using var transaction = writer.BeginTransaction();
        if (newSeries.Count > 0)
        {
            using var appender = writer.CreateAppender("telemetry_series");
            foreach (var ((assetId, signal), id) in newSeries)
            {
                appender.CreateRow().AppendValue((int?)id).AppendValue(assetId).AppendValue(signal).EndRow();
            }
        }
        // Fresh points (newer than their series' newest) go straight in; late ones are checked against the table first.
        var fresh = new List<StagedPoint>();
        var late = new List<StagedPoint>();
        foreach (var staged in batches.SelectMany(b => b.Points))
        {
            (_newest.TryGetValue(staged.SeriesId, out var newestTicks) && staged.Timestamp.Ticks <= newestTicks ? late : fresh).Add(staged);
        }
        var stored = new HashSet<(int, long)>(seen.Count);
        foreach (var staged in fresh)
        {
            stored.Add((staged.SeriesId, staged.Timestamp.Ticks));
        }
        if (late.Count > 0)
        {
            var existing = ExistingRows(writer, late);
            foreach (var staged in late)
            {
                if (!existing.Contains((staged.SeriesId, staged.Timestamp.Ticks)))
                {
                    fresh.Add(staged);
                    stored.Add((staged.SeriesId, staged.Timestamp.Ticks));
                }
            }
        }
        using (var appender = writer.CreateAppender("telemetry_raw"))
        {
            // Nullable casts on purpose: AppendValue(int) binds to the generic enum overload and writes garbage.
            foreach (var staged in fresh)
            {
                var p = staged.Point;
                appender.CreateRow()
                    .AppendValue((int?)staged.SeriesId).AppendValue((DateTime?)staged.Timestamp).AppendValue((double?)p.Value)
                    .AppendValue(p.Unit).AppendValue((byte?)p.Quality).AppendValue(p.Source).AppendValue(p.Seq)
                    .AppendValue((bool?)p.StampedOnArrival).EndRow();
            }
        }
        var newest = new Dictionary<int, long>();
        foreach (var id in ids.Values)
        {
            if (_newest.TryGetValue(id, out var ticks))
            {
                newest[id] = ticks;
            }
        }
        var minutes = new Dictionary<(int, long), RollupStatistics>();
        var hours = new Dictionary<(int, long), RollupStatistics>();
        var results = batches.Select(b => b.Account(stored, newest, minutes, hours)).ToArray();
        var minuteDeltas = TelemetryBatch.Sorted(minutes);
        var hourDeltas = TelemetryBatch.Sorted(hours);
        AppendRollups(writer, "telemetry_rollup_1m", minuteDeltas);
        AppendRollups(writer, "telemetry_rollup_1h", hourDeltas);
        transaction.Commit();
        _minuteFragments.Written(minuteDeltas);
        _hourFragments.Written(hourDeltas);

        foreach (var (key, id) in newSeries)
        {
            _seriesIds[key] = id;
        }
        _lastSeriesId = nextId;
        foreach (var (id, ticks) in newest)
        {
            _newest[id] = ticks;
        }
        if (_minuteFragments.Count + _hourFragments.Count >= CompactionThreshold)
        {
            Compact(writer);
        }
        return Task.FromResult(results);
    }

    /// <summary>
    /// Which of <paramref name="late"/> the table already holds. The time bounds let DuckDB skip every row group
    /// outside the late points' span (rows arrive roughly in time order, so its zone maps on ts are tight).
    /// </summary>
    private static HashSet<(int, long)> ExistingRows(DuckDBConnection writer, List<StagedPoint> late)
    {
        using (var appender = writer.CreateAppender("stage_late"))
        {
            foreach (var staged in late)
            {
                appender.CreateRow().AppendValue((int?)staged.SeriesId).AppendValue((DateTime?)staged.Timestamp).EndRow();
            }
        }
        var existing = new HashSet<(int, long)>();
        using (var query = writer.CreateCommand())
        {
            query.CommandText = """
                SELECT r.series_id, r.ts FROM telemetry_raw r JOIN stage_late s ON r.series_id = s.series_id AND r.ts = s.ts
                WHERE r.ts BETWEEN $from AND $to
                """;
            query.Parameters.Add(new DuckDBParameter("from", late.Min(p => p.Timestamp)));
            query.Parameters.Add(new DuckDBParameter("to", late.Max(p => p.Timestamp)));
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                existing.Add((reader.GetInt32(0), reader.GetDateTime(1).Ticks));
            }
        }
        Execute(writer, "DELETE FROM stage_late");
        return existing;
    }

    public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        ReadRawAsync(assetId, signal, from, to, int.MaxValue, cancellationToken);

    public Task<IReadOnlyList<TelemetryPoint>> ReadRawAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        _ = Writer;
        if (!_seriesIds.TryGetValue((assetId, signal), out var seriesId) || from >= to || limit <= 0)
        {
            return Task.FromResult<IReadOnlyList<TelemetryPoint>>([]);
        }
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ts, value, unit, quality, source, seq, stamped_on_arrival FROM telemetry_raw
            WHERE series_id = $series AND ts >= $from AND ts < $to ORDER BY ts LIMIT $limit
            """;
        command.Parameters.Add(new DuckDBParameter("series", seriesId));
        command.Parameters.Add(new DuckDBParameter("from", ITelemetryStore.ToStoredTime(from)));
        command.Parameters.Add(new DuckDBParameter("to", ITelemetryStore.ToStoredTime(to)));
        command.Parameters.Add(new DuckDBParameter("limit", (long)limit));
        var points = new List<TelemetryPoint>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            points.Add(new TelemetryPoint(assetId, signal, TelemetryBatch.FromStoredTime(reader.GetDateTime(0)), reader.GetDouble(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), (TelemetryQuality)reader.GetByte(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.GetBoolean(6)));
        }
        return Task.FromResult<IReadOnlyList<TelemetryPoint>>(points);
    }

    public async Task<IReadOnlyList<TelemetryPoint>> ReadRawAfterAsync(string assetId, IReadOnlyList<SignalAfter> signals, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        _ = Writer;
        var toStored = ITelemetryStore.ToStoredTime(to);
        // Only series with a point after their bound: after a clean restart a twin's catch-up queries nothing.
        var wanted = new List<(int, string, DateTime)>();
        foreach (var (signal, after) in signals)
        {
            var bound = ITelemetryStore.ToStoredTime(after);
            if (_seriesIds.TryGetValue((assetId, signal), out var id) && _newest.TryGetValue(id, out var newest) && newest > bound.Ticks && bound < toStored)
            {
                wanted.Add((id, signal, bound));
            }
        }
        if (wanted.Count == 0 || limit <= 0)
        {
            return [];
        }
        return await _catchUps.AppendAsync([new CatchUpRequest(assetId, wanted, toStored, limit)], cancellationToken);
    }

    /// <summary>
    /// One query for every waiting catch-up: the requests' (series, after, to) bounds go into a temporary table that
    /// the raw table is joined on, and each request keeps its first <c>Limit</c> points in (time, signal) order.
    /// </summary>
    private Task<IReadOnlyList<TelemetryPoint>[]> ReadCatchUpGroup(IReadOnlyList<IReadOnlyList<CatchUpRequest>> group, CancellationToken cancellationToken)
    {
        var requests = group.Select(g => g[0]).ToList();
        using var connection = Open();
        Execute(connection, "CREATE TEMP TABLE catch_up (request INTEGER NOT NULL, series_id INTEGER NOT NULL, after TIMESTAMP NOT NULL, until TIMESTAMP NOT NULL, max_points BIGINT NOT NULL)");
        using (var appender = connection.CreateAppender("catch_up"))
        {
            for (var i = 0; i < requests.Count; i++)
            {
                foreach (var (seriesId, _, after) in requests[i].Series)
                {
                    appender.CreateRow().AppendValue((int?)i).AppendValue((int?)seriesId).AppendValue((DateTime?)after)
                        .AppendValue((DateTime?)requests[i].To).AppendValue((long?)requests[i].Limit).EndRow();
                }
            }
        }
        using var command = connection.CreateCommand();
        // The overall lower bound lets DuckDB skip the row groups older than every request.
        command.CommandText = """
            SELECT c.request, s.signal, r.ts, r.value, r.unit, r.quality, r.source, r.seq, r.stamped_on_arrival
            FROM telemetry_raw r
            JOIN catch_up c ON r.series_id = c.series_id AND r.ts > c.after AND r.ts < c.until
            JOIN telemetry_series s ON s.id = r.series_id
            WHERE r.ts > $earliest
            QUALIFY row_number() OVER (PARTITION BY c.request ORDER BY r.ts, s.signal) <= max(c.max_points) OVER (PARTITION BY c.request)
            ORDER BY c.request, r.ts, s.signal
            """;
        command.Parameters.Add(new DuckDBParameter("earliest", requests.SelectMany(r => r.Series).Min(w => w.After)));
        var results = requests.Select(_ => new List<TelemetryPoint>()).ToArray();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var request = reader.GetInt32(0);
            results[request].Add(new TelemetryPoint(requests[request].AssetId, reader.GetString(1), TelemetryBatch.FromStoredTime(reader.GetDateTime(2)),
                reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetString(4), (TelemetryQuality)reader.GetByte(5), reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.GetBoolean(8)));
        }
        return Task.FromResult<IReadOnlyList<TelemetryPoint>[]>([.. results]);
    }

    public Task<IReadOnlyList<TelemetryBucket>> ReadRollupAsync(string assetId, string signal, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        var tier = TelemetryRollups.TierFor(step);
        _ = Writer;
        if (!_seriesIds.TryGetValue((assetId, signal), out var seriesId) || from >= to)
        {
            return Task.FromResult<IReadOnlyList<TelemetryBucket>>([]);
        }
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT bucket, n, min, max, mean, m2 FROM {RollupTable(tier)}
            WHERE series_id = $series AND bucket >= $from AND bucket < $to ORDER BY bucket
            """;
        command.Parameters.Add(new DuckDBParameter("series", seriesId));
        command.Parameters.Add(new DuckDBParameter("from", ITelemetryStore.ToStoredTime(from)));
        command.Parameters.Add(new DuckDBParameter("to", ITelemetryStore.ToStoredTime(to)));
        using var reader = command.ExecuteReader();
        return Task.FromResult(TelemetryRollups.Merge(Rows(reader), step));

        static IEnumerable<(DateTime, RollupStatistics)> Rows(System.Data.Common.DbDataReader reader)
        {
            while (reader.Read())
            {
                yield return (DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc),
                    new RollupStatistics(reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)));
            }
        }
    }

    public async Task ApplyRetentionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var raw = ITelemetryStore.ToStoredTime(now.AddDays(-_options.RawRetentionDays));
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var writer = Writer;
            using (var transaction = writer.BeginTransaction())
            {
                using var command = writer.CreateCommand();
                command.CommandText = """
                    DELETE FROM telemetry_raw WHERE ts < $raw;
                    DELETE FROM telemetry_rollup_1m WHERE bucket < $minute;
                    DELETE FROM telemetry_rollup_1h WHERE bucket < $hour;
                    """;
                command.Parameters.Add(new DuckDBParameter("raw", raw));
                command.Parameters.Add(new DuckDBParameter("minute", ITelemetryStore.ToStoredTime(now.AddDays(-_options.MinuteRetentionDays))));
                command.Parameters.Add(new DuckDBParameter("hour", ITelemetryStore.ToStoredTime(now.AddDays(-_options.HourRetentionDays))));
                command.ExecuteNonQuery();
                transaction.Commit();
            }
            Compact(writer);
            // A series whose newest point fell out has no raw point left; one whose newest survived keeps it.
            foreach (var id in _newest.Where(n => n.Value < raw.Ticks).Select(n => n.Key).ToList())
            {
                _newest.TryRemove(id, out _);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _writeLock.Dispose();
        _catchUpLock.Dispose();
    }

    private DuckDBConnection Writer => _writer ?? throw new InvalidOperationException("DuckDbTelemetryStore.InitialiseAsync must run before the store is used.");

    private DuckDBConnection Open()
    {
        var connection = new DuckDBConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private static string RollupTable(RollupTier tier) => tier == RollupTier.Hour ? "telemetry_rollup_1h" : "telemetry_rollup_1m";

    /// <summary>
    /// Folds each bucket's fragments into one row (Chan et al.: n and the means add up, m2 gains each fragment's
    /// spread around the merged mean), for the buckets written since the last compaction.
    /// </summary>
    private void Compact(DuckDBConnection writer)
    {
        foreach (var fragments in new[] { _minuteFragments, _hourFragments })
        {
            if (fragments.Since is not { } since)
            {
                continue;
            }
            var table = fragments.Table;
            using (var transaction = writer.BeginTransaction())
            {
                using var command = writer.CreateCommand();
                command.CommandText = $"""
                    CREATE TEMP TABLE compacted AS
                    WITH grouped AS (
                        SELECT series_id, bucket, sum(n) AS n, min(min) AS min, max(max) AS max, sum(n * mean) / sum(n) AS mean
                        FROM {table} WHERE bucket >= $since GROUP BY series_id, bucket HAVING count(*) > 1)
                    SELECT g.series_id, g.bucket, g.n, g.min, g.max, g.mean, sum(t.m2 + t.n * (t.mean - g.mean) * (t.mean - g.mean)) AS m2
                    FROM grouped g JOIN {table} t ON t.series_id = g.series_id AND t.bucket = g.bucket
                    WHERE t.bucket >= $since
                    GROUP BY g.series_id, g.bucket, g.n, g.min, g.max, g.mean;
                    DELETE FROM {table} t USING compacted c WHERE t.series_id = c.series_id AND t.bucket = c.bucket AND t.bucket >= $since;
                    INSERT INTO {table} SELECT series_id, bucket, n, min, max, mean, m2 FROM compacted;
                    DROP TABLE compacted;
                    """;
                command.Parameters.Add(new DuckDBParameter("since", since));
                command.ExecuteNonQuery();
                transaction.Commit();
            }
            fragments.Compacted();
        }
    }

    /// <summary>Files made before rollups were appended as fragments have a primary key on them, which fragments would break: the tables are copied without it, once.</summary>
    private static void DropRollupKeys(DuckDBConnection writer)
    {
        foreach (var table in new[] { "telemetry_rollup_1m", "telemetry_rollup_1h" })
        {
            using var check = writer.CreateCommand();
            check.CommandText = $"SELECT count(*) FROM duckdb_constraints() WHERE table_name = '{table}' AND constraint_type = 'PRIMARY KEY'";
            if (Convert.ToInt64(check.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                continue;
            }
            using var transaction = writer.BeginTransaction();
            Execute(writer, $"""
                CREATE TABLE {table}_unkeyed AS SELECT * FROM {table};
                DROP TABLE {table};
                ALTER TABLE {table}_unkeyed RENAME TO {table};
                """);
            transaction.Commit();
        }
    }

    /// <summary>How many rollup fragments a tier holds since its last compaction, and the earliest bucket they touch.</summary>
    private sealed class RollupFragments(string table)
    {
        public string Table { get; } = table;

        public int Count { get; private set; }

        public DateTime? Since { get; private set; }

        public void Written(List<RollupDelta> deltas)
        {
            foreach (var delta in deltas)
            {
                Since = Since is { } since && since <= delta.Bucket ? since : delta.Bucket;
            }
            Count += deltas.Count;
        }

        public void Compacted() => (Count, Since) = (0, null);
    }

    private static void AppendRollups(DuckDBConnection writer, string table, List<RollupDelta> deltas)
    {
        using var appender = writer.CreateAppender(table);
        foreach (var delta in deltas)
        {
            var s = delta.Stats;
            appender.CreateRow().AppendValue((int?)delta.SeriesId).AppendValue((DateTime?)delta.Bucket).AppendValue((long?)s.Count)
                .AppendValue((double?)s.Min).AppendValue((double?)s.Max).AppendValue((double?)s.Mean).AppendValue((double?)s.M2).EndRow();
        }
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
