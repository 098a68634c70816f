using Threadline.Plm;
using Threadline.Telemetry;
using Threadline.Testing;

namespace Threadline.Features.Telemetry;

/// <summary>The same rules on both stores: identity, out-of-order counting, rollup statistics, steps and retention.</summary>
public abstract class TelemetryStoreTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private readonly List<ITelemetryStore> _stores = [];

    protected abstract ITelemetryStore Create(TelemetryOptions options);

    protected async Task<ITelemetryStore> OpenAsync(TelemetryOptions? options = null)
    {
        var store = Create(options ?? new TelemetryOptions());
        _stores.Add(store);
        await store.InitialiseAsync(default);
        return store;
    }

    protected static TelemetryPoint Point(DateTimeOffset at, double value, string signal = "temperature", string asset = "PUMP-1",
        TelemetryQuality quality = TelemetryQuality.Good) =>
        new(asset, signal, at, value, "degC", quality, "edge-1");

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable a:
                    await a.DisposeAsync();
                    break;
                case IDisposable d:
                    d.Dispose();
                    break;
            }
        }
    }

    [Fact]
    public async Task SeveralSignalsOfOneAsset_EachAfterItsOwnBound_ReadTogetherInTimestampOrderTiesByName()
    {
        var store = await OpenAsync();
        // "zeta" is seen first (the lower series id), "alpha" second: ties must still come in name order.
        await store.AppendAsync([
            Point(T0, 1, "zeta"), Point(T0, 2, "alpha"), Point(T0.AddSeconds(1), 3, "zeta"), Point(T0.AddSeconds(2), 4, "alpha"),
            Point(T0.AddSeconds(2), 5, "zeta"), Point(T0.AddTicks(30), 6, "mid"), Point(T0, 7, "alpha", asset: "PUMP-2"), Point(T0.AddMinutes(5), 8, "zeta"),
        ], default);
        var before = T0.AddSeconds(-1);

        var all = await store.ReadRawAfterAsync("PUMP-1", [new("zeta", before), new("alpha", before), new("never-seen", before)], T0.AddMinutes(1), 100, default);
        var own = await store.ReadRawAfterAsync("PUMP-1", [new("zeta", T0.AddSeconds(1)), new("alpha", T0)], T0.AddMinutes(10), 100, default);
        var first = await store.ReadRawAfterAsync("PUMP-1", [new("zeta", before), new("alpha", before)], T0.AddMinutes(1), 1, default);

        Assert.Equal([("alpha", 2.0), ("zeta", 1.0), ("zeta", 3.0), ("alpha", 4.0), ("zeta", 5.0)], all.Select(p => (p.Signal, p.Value)));
        Assert.All(all, p => Assert.Equal("PUMP-1", p.AssetId));
        Assert.Equal(Point(T0.AddSeconds(1), 3, "zeta"), all[2]);
        Assert.Equal([("alpha", 4.0), ("zeta", 5.0), ("zeta", 8.0)], own.Select(p => (p.Signal, p.Value)));
        Assert.Equal([("alpha", 2.0)], first.Select(p => (p.Signal, p.Value)));
        // Bounds count at the store's precision, the microsecond: the point at 3 µs is after 2.5 µs, not after 3.5 µs.
        Assert.Equal([6.0], (await store.ReadRawAfterAsync("PUMP-1", [new("mid", T0.AddTicks(25))], T0.AddMinutes(1), 100, default)).Select(p => p.Value));
        Assert.Empty(await store.ReadRawAfterAsync("PUMP-1", [new("mid", T0.AddTicks(35))], T0.AddMinutes(1), 100, default));
        Assert.Empty(await store.ReadRawAfterAsync("PUMP-3", [new("zeta", before)], T0.AddMinutes(10), 100, default));
    }

    [Fact]
    public async Task ManyAssetsCatchingUpAtOnce_EachGetsItsOwnPointsWithinItsOwnBoundAndLimit()
    {
        var store = await OpenAsync();
        var assets = Enumerable.Range(0, 40).Select(i => $"PUMP-{i}").ToList();
        await store.AppendAsync([.. assets.SelectMany((asset, i) => Enumerable.Range(0, 5).Select(k => Point(T0.AddSeconds(k), i * 10 + k, "flow", asset)))], default);

        // Started together, the DuckDB store answers most of them in one shared query.
        var reads = await Task.WhenAll(assets.Select((asset, i) =>
            store.ReadRawAfterAsync(asset, [new("flow", T0.AddSeconds(i % 3 - 1))], T0.AddMinutes(1), 1 + i % 4, default)));

        for (var i = 0; i < assets.Count; i++)
        {
            var expected = Enumerable.Range(i % 3, 5 - i % 3).Take(1 + i % 4).Select(k => (double)(i * 10 + k));
            Assert.Equal(expected, reads[i].Select(p => p.Value));
            Assert.All(reads[i], p => Assert.Equal(assets[i], p.AssetId));
        }
    }

    [Fact]
    public async Task AppendedPoints_ReadBackInTimestampOrderWithEveryField()
    {
        var store = await OpenAsync();
        var late = new TelemetryPoint("PUMP-1", "temperature", T0.AddSeconds(1), 21.5, null, TelemetryQuality.Uncertain, "group/node/dev", 42, StampedOnArrival: true);
        await store.AppendAsync([Point(T0.AddSeconds(2), 22), late, Point(T0, 20), Point(T0, 99, signal: "pressure")], default);

        var points = await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddMinutes(1), default);

        Assert.Equal([T0, T0.AddSeconds(1), T0.AddSeconds(2)], points.Select(p => p.Timestamp));
        Assert.Equal([20, 21.5, 22], points.Select(p => p.Value));
        Assert.Equal(late, points[1]);
        Assert.Equal(Point(T0, 20), points[0]);
    }

    [Fact]
    public async Task PointSeenTwice_IsStoredOnceAndCountedAsDuplicate()
    {
        var store = await OpenAsync();
        var first = await store.AppendAsync([Point(T0, 1), Point(T0.AddSeconds(1), 2), Point(T0, 1)], default);
        var second = await store.AppendAsync([Point(T0.AddSeconds(1), 2), Point(T0.AddSeconds(2), 3)], default);

        Assert.Equal(new AppendResult(2, 1, 0), first);
        Assert.Equal(new AppendResult(1, 1, 0), second);
        Assert.Equal(3, (await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddHours(1), default)).Count);
    }

    [Fact]
    public async Task SameTimestampOnAnotherSignalOrAsset_IsNotADuplicate()
    {
        var store = await OpenAsync();

        var result = await store.AppendAsync([Point(T0, 1), Point(T0, 1, signal: "pressure"), Point(T0, 1, asset: "PUMP-2")], default);

        Assert.Equal(new AppendResult(3, 0, 0), result);
    }

    [Fact]
    public async Task PointOlderThanNewestOfItsSeries_IsStoredAndCountedOutOfOrder()
    {
        var store = await OpenAsync();
        await store.AppendAsync([Point(T0.AddMinutes(10), 10)], default);

        var result = await store.AppendAsync([Point(T0.AddMinutes(5), 5), Point(T0.AddMinutes(11), 11), Point(T0.AddMinutes(10).AddSeconds(30), 10.5), Point(T0.AddMinutes(1), 1, signal: "pressure")], default);

        // 5 min is older than the stored 10 min; 10:30 is older than 11 min, stored earlier in the same batch; a new series is never late.
        Assert.Equal(new AppendResult(4, 0, 2), result);
        var points = await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddHours(1), default);
        Assert.Equal([5, 10, 10.5, 11], points.Select(p => p.Value));
    }

    [Fact]
    public async Task Rollups_MatchStatisticsOfTheDistinctPoints_WhateverTheBatchingAndOrder()
    {
        var store = await OpenAsync();
        var random = new Random(7);
        var points = Enumerable.Range(0, 3 * 3600 / 5).Select(i => Point(T0.AddSeconds(5 * i), 50 + (random.NextDouble() * 10) + (i * 0.01))).ToList();
        var shuffled = points.OrderBy(_ => random.Next()).ToList();
        // Every tenth point sent twice, in another batch, so duplicates cross batch boundaries.
        shuffled.AddRange(points.Where((_, i) => i % 10 == 0));
        foreach (var chunk in shuffled.Chunk(257))
        {
            await store.AppendAsync(chunk, default);
        }

        var minutes = await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(3), TimeSpan.FromMinutes(1), default);
        var hours = await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(3), TimeSpan.FromHours(1), default);
        var quarters = await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(3), TimeSpan.FromMinutes(15), default);

        AssertBuckets(points, TimeSpan.FromMinutes(1), minutes);
        AssertBuckets(points, TimeSpan.FromHours(1), hours);
        AssertBuckets(points, TimeSpan.FromMinutes(15), quarters);
    }

    [Fact]
    public async Task DayStep_MergesHourBucketsAlignedToMidnightUtc()
    {
        var store = await OpenAsync();
        var start = new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero);
        var points = Enumerable.Range(0, 72).Select(h => Point(start.AddHours(h).AddMinutes(30), h)).ToList();
        await store.AppendAsync(points, default);

        var days = await store.ReadRollupAsync("PUMP-1", "temperature", start, start.AddDays(3), TimeSpan.FromDays(1), default);

        Assert.Equal([start, start.AddDays(1), start.AddDays(2)], days.Select(d => d.Start));
        AssertBuckets(points, TimeSpan.FromDays(1), days);
    }

    [Fact]
    public async Task BadQualityAndNonFiniteValues_AreStoredButLeftOutOfRollups()
    {
        var store = await OpenAsync();
        await store.AppendAsync([Point(T0, 1), Point(T0.AddSeconds(1), 1000, quality: TelemetryQuality.Bad), Point(T0.AddSeconds(2), double.NaN), Point(T0.AddSeconds(3), 3)], default);

        var bucket = Assert.Single(await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), default));

        Assert.Equal(4, (await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddMinutes(1), default)).Count);
        Assert.Equal((2L, 1.0, 3.0, 2.0, 1.0), (bucket.Count, bucket.Min, bucket.Max, bucket.Mean, bucket.StdDev));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(30)]
    [InlineData(90)]
    public async Task StepThatIsNotWholeMinutes_IsRefusedNamingTheAllowedSteps(int seconds)
    {
        var store = await OpenAsync();

        var ex = await Assert.ThrowsAsync<PlmRuleException>(() =>
            store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(1), TimeSpan.FromSeconds(seconds), default));

        Assert.Equal("invalid-step", ex.Code);
        Assert.Equal(RuleViolationKind.Invalid, ex.Kind);
        Assert.Contains("1 minute, 1 hour", ex.Message);
    }

    [Fact]
    public async Task Retention_DeletesRawFirstAndRollupsSurviveAndStillMergeLatePoints()
    {
        var store = await OpenAsync(new TelemetryOptions { RawRetentionDays = 1, MinuteRetentionDays = 3, HourRetentionDays = 10 });
        await store.AppendAsync([Point(T0, 10), Point(T0.AddSeconds(10), 20), Point(T0.AddDays(2), 7)], default);

        await store.ApplyRetentionAsync(T0.AddDays(2).AddHours(1), default);

        Assert.Empty(await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddDays(1), default));
        Assert.Single(await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddDays(3), default));
        var late = await store.AppendAsync([Point(T0.AddSeconds(20), 30)], default);
        Assert.Equal(new AppendResult(1, 0, 1), late);
        var minute = Assert.Single(await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddMinutes(1), TimeSpan.FromMinutes(1), default));
        Assert.Equal((3L, 10.0, 30.0, 20.0), (minute.Count, minute.Min, minute.Max, minute.Mean));
        Assert.Equal(Math.Sqrt(200.0 / 3), minute.StdDev, 9);

        await store.ApplyRetentionAsync(T0.AddDays(5), default);

        Assert.Empty(await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddDays(1), TimeSpan.FromMinutes(1), default));
        var hour = Assert.Single(await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddDays(1), TimeSpan.FromHours(1), default));
        Assert.Equal(3, hour.Count);

        await store.ApplyRetentionAsync(T0.AddDays(11), default);

        Assert.Empty(await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddDays(1), TimeSpan.FromHours(1), default));
    }

    [Fact]
    public async Task ReadRawWithLimit_ReturnsTheEarliestPoints()
    {
        var store = await OpenAsync();
        await store.AppendAsync([.. Enumerable.Range(0, 10).Select(i => Point(T0.AddSeconds(9 - i), i))], default);

        var first = await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddMinutes(1), 3, default);

        Assert.Equal([T0, T0.AddSeconds(1), T0.AddSeconds(2)], first.Select(p => p.Timestamp));
    }

    [Fact]
    public async Task UnknownSeries_ReadsEmpty()
    {
        var store = await OpenAsync();

        Assert.Empty(await store.ReadRawAsync("NOPE", "x", T0, T0.AddDays(1), default));
        Assert.Empty(await store.ReadRollupAsync("NOPE", "x", T0, T0.AddDays(1), TimeSpan.FromHours(1), default));
    }

    [Fact]
    public async Task TimestampsBelowAMicrosecondApart_AreTheSamePoint()
    {
        var store = await OpenAsync();

        var result = await store.AppendAsync([Point(T0.AddTicks(1), 1), Point(T0.AddTicks(9), 2)], default);

        Assert.Equal(new AppendResult(1, 1, 0), result);
        Assert.Equal(T0, Assert.Single(await store.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddSeconds(1), default)).Timestamp);
    }

    [Fact]
    public async Task ConcurrentAppends_AllLandAndRollupsCountEachPointOnce()
    {
        var store = await OpenAsync();
        var points = Enumerable.Range(0, 4000).Select(i => Point(T0.AddSeconds(i % 600), i % 7, signal: "s" + (i % 13))).ToList();

        var results = await Task.WhenAll(points.Chunk(250).Select(chunk => store.AppendAsync(chunk, default)));

        var distinct = points.DistinctBy(p => (p.Signal, p.Timestamp)).ToList();
        Assert.Equal(distinct.Count, results.Sum(r => r.Stored));
        Assert.Equal(points.Count - distinct.Count, results.Sum(r => r.Duplicates));
        long total = 0;
        for (var s = 0; s < 13; s++)
        {
            total += (await store.ReadRollupAsync("PUMP-1", "s" + s, T0, T0.AddHours(1), TimeSpan.FromHours(1), default)).Sum(b => b.Count);
        }
        Assert.Equal(distinct.Count, total);
    }

    protected static void AssertBuckets(IReadOnlyList<TelemetryPoint> points, TimeSpan step, IReadOnlyList<TelemetryBucket> buckets)
    {
        var expected = points
            .GroupBy(p => new DateTimeOffset(p.Timestamp.UtcTicks - ((p.Timestamp.UtcTicks - DateTime.UnixEpoch.Ticks) % step.Ticks), TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .ToList();
        Assert.Equal(expected.Select(g => g.Key), buckets.Select(b => b.Start));
        foreach (var (group, bucket) in expected.Zip(buckets))
        {
            var values = group.Select(p => p.Value).ToList();
            var mean = values.Average();
            var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
            Assert.Equal(values.Count, bucket.Count);
            Assert.Equal(values.Min(), bucket.Min);
            Assert.Equal(values.Max(), bucket.Max);
            Assert.Equal(mean, bucket.Mean, 9);
            Assert.Equal(std, bucket.StdDev, 9);
        }
    }
}

public sealed class TelemetryStoreOnDuckDbTests : TelemetryStoreTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("threadline-telemetry-").FullName;

    protected override ITelemetryStore Create(TelemetryOptions options) =>
        TelemetryRegistration.CreateStore(options, _folder);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task ReopenedFile_KeepsPointsRollupsAndNewestTimestamps()
    {
        var first = await OpenAsync();
        await first.AppendAsync([Point(T0.AddMinutes(10), 10), Point(T0, 0, signal: "pressure")], default);
        ((IDisposable)first).Dispose();

        var second = await OpenAsync();
        var result = await second.AppendAsync([Point(T0.AddMinutes(5), 5), Point(T0.AddMinutes(10), 10), Point(T0.AddMinutes(1), 1, signal: "flow")], default);

        Assert.Equal(new AppendResult(2, 1, 1), result);
        Assert.Equal(2, (await second.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(1), TimeSpan.FromHours(1), default)).Single().Count);
        Assert.Single(await second.ReadRawAsync("PUMP-1", "pressure", T0, T0.AddHours(1), default));
        Assert.True(File.Exists(Path.Combine(_folder, "telemetry.duckdb")));
    }

    [Fact]
    public async Task RollupFragmentsOfManyAppends_CompactToOneRowABucket_WithTheSameStatistics()
    {
        var store = await OpenAsync();
        var random = new Random(11);
        var points = Enumerable.Range(0, 1800).Select(i => Point(T0.AddSeconds(2 * i), 1000 + (random.NextDouble() * 5))).ToList();
        foreach (var chunk in points.OrderBy(_ => random.Next()).Chunk(45))
        {
            await store.AppendAsync(chunk, default);
        }
        var before = await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(1), TimeSpan.FromMinutes(1), default);
        Assert.True(RollupRows("telemetry_rollup_1m") > 60, "each append should have left its own fragments");

        await store.ApplyRetentionAsync(T0.AddHours(1), default);

        Assert.Equal(60, RollupRows("telemetry_rollup_1m"));
        Assert.Equal(1, RollupRows("telemetry_rollup_1h"));
        var after = await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(1), TimeSpan.FromMinutes(1), default);
        Assert.Equal(before.Select(b => (b.Start, b.Count, b.Min, b.Max)), after.Select(b => (b.Start, b.Count, b.Min, b.Max)));
        AssertBuckets(points, TimeSpan.FromMinutes(1), after);
        AssertBuckets(points, TimeSpan.FromHours(1), await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(1), TimeSpan.FromHours(1), default));
    }

    [Fact]
    public async Task FileWithKeyedRollupTables_IsMigratedAndKeepsItsBuckets()
    {
        var file = Path.Combine(_folder, "telemetry.duckdb");
        using (var old = new DuckDB.NET.Data.DuckDBConnection($"Data Source={file}"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = """
                CREATE TABLE telemetry_series (id INTEGER PRIMARY KEY, asset_id VARCHAR NOT NULL, signal VARCHAR NOT NULL, UNIQUE (asset_id, signal));
                CREATE TABLE telemetry_raw (series_id INTEGER NOT NULL, ts TIMESTAMP NOT NULL, value DOUBLE NOT NULL, unit VARCHAR, quality UTINYINT NOT NULL,
                    source VARCHAR NOT NULL, seq BIGINT, stamped_on_arrival BOOLEAN NOT NULL, PRIMARY KEY (series_id, ts));
                CREATE TABLE telemetry_rollup_1m (series_id INTEGER NOT NULL, bucket TIMESTAMP NOT NULL, n BIGINT NOT NULL, min DOUBLE NOT NULL,
                    max DOUBLE NOT NULL, mean DOUBLE NOT NULL, m2 DOUBLE NOT NULL, PRIMARY KEY (series_id, bucket));
                CREATE TABLE telemetry_rollup_1h (series_id INTEGER NOT NULL, bucket TIMESTAMP NOT NULL, n BIGINT NOT NULL, min DOUBLE NOT NULL,
                    max DOUBLE NOT NULL, mean DOUBLE NOT NULL, m2 DOUBLE NOT NULL, PRIMARY KEY (series_id, bucket));
                INSERT INTO telemetry_series VALUES (1, 'PUMP-1', 'temperature');
                INSERT INTO telemetry_raw VALUES (1, TIMESTAMP '2026-11-20 10:00:10', 4, 'degC', 0, 'edge-1', NULL, false);
                INSERT INTO telemetry_rollup_1m VALUES (1, TIMESTAMP '2026-11-20 10:00:00', 1, 4, 4, 4, 0);
                INSERT INTO telemetry_rollup_1h VALUES (1, TIMESTAMP '2026-11-20 10:00:00', 1, 4, 4, 4, 0);
                """;
            command.ExecuteNonQuery();
        }

        var store = await OpenAsync();
        var result = await store.AppendAsync([Point(T0.AddSeconds(10), 4), Point(T0.AddSeconds(20), 6)], default);

        Assert.Equal(new AppendResult(1, 1, 0), result);
        var minute = Assert.Single(await store.ReadRollupAsync("PUMP-1", "temperature", T0, T0.AddHours(1), TimeSpan.FromMinutes(1), default));
        Assert.Equal((2L, 4.0, 6.0, 5.0), (minute.Count, minute.Min, minute.Max, minute.Mean));
    }

    private long RollupRows(string table)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={Path.Combine(_folder, "telemetry.duckdb")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class TelemetryStoreOnPostgresTests(PostgresDatabaseFactory databases) : TelemetryStoreTests, IClassFixture<PostgresDatabaseFactory>
{
    private PostgresDatabase? _database;

    public override async Task InitializeAsync() => _database = await databases.CreateAsync();

    protected override ITelemetryStore Create(TelemetryOptions options) =>
        TelemetryRegistration.CreateStore(new TelemetryOptions
        {
            Store = TelemetryStores.Postgres,
            ConnectionString = _database!.ConnectionString,
            RawRetentionDays = options.RawRetentionDays,
            MinuteRetentionDays = options.MinuteRetentionDays,
            HourRetentionDays = options.HourRetentionDays,
        }, "unused");

    [Fact]
    public async Task TwoStoresOnOneDatabase_ShareSeriesAndCountEachOthersPoints()
    {
        var first = await OpenAsync();
        var second = await OpenAsync();
        await first.AppendAsync([Point(T0.AddMinutes(10), 10)], default);

        var result = await second.AppendAsync([Point(T0.AddMinutes(10), 10), Point(T0.AddMinutes(5), 5)], default);

        Assert.Equal(new AppendResult(1, 1, 1), result);
        Assert.Equal(2, (await first.ReadRawAsync("PUMP-1", "temperature", T0, T0.AddHours(1), default)).Count);
    }
}
