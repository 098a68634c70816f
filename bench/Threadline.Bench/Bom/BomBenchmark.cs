using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Threadline.Features.Plm;
using Threadline.Hosting;
using Threadline.Plm;
using Threadline.Storage;

namespace Threadline.Bench.Bom;

/// <summary>Settings of one run of the BOM benchmark.</summary>
internal sealed record BomBenchmarkOptions(int Iterations, int SqlIterations, string? PostgresConnectionString);

/// <summary>
/// Resolves the as-designed BOM of the generated product for a serial on a date, in memory through
/// <see cref="PlmCatalog.ResolveBom"/> and by a recursive SQL query over the same stored rows, checks that every
/// method gives the same answer and prints their latencies side by side.
/// </summary>
internal static class BomBenchmark
{
    // Several questions, so that no single cached branch flatters a method; calls cycle through them.
    private static readonly BomQuery[] Queries =
    [
        new(SerialNumber.Parse(BomProductGenerator.Serial(137)), new DateTimeOffset(2020, 9, 1, 0, 0, 0, TimeSpan.Zero)),
        new(SerialNumber.Parse(BomProductGenerator.Serial(642)), new DateTimeOffset(2022, 5, 15, 12, 0, 0, TimeSpan.Zero)),
        new(SerialNumber.Parse(BomProductGenerator.Serial(1288)), new DateTimeOffset(2023, 11, 20, 0, 0, 0, TimeSpan.Zero)),
        new(SerialNumber.Parse(BomProductGenerator.Serial(1911)), new DateTimeOffset(2025, 6, 30, 0, 0, 0, TimeSpan.Zero)),
        new(SerialNumber.Parse(BomProductGenerator.Serial(455)), new DateTimeOffset(2024, 2, 29, 0, 0, 0, TimeSpan.Zero), BomProductGenerator.Lot(3)),
        new(SerialNumber.Parse(BomProductGenerator.Serial(1024)), new DateTimeOffset(2021, 7, 4, 0, 0, 0, TimeSpan.Zero), BomProductGenerator.Lot(7)),
    ];

    public static async Task<int> RunAsync(BomBenchmarkOptions options)
    {
        var clock = Stopwatch.StartNew();
        var product = BomProductGenerator.Generate();
        Console.WriteLine($"Generated {product.ProductNumber}: {product.Items.Count} items, {product.LineCount} BOM lines " +
            $"({product.EffectivityLineCount} with effectivity), {product.Items.Sum(i => i.Revisions.Count)} revisions, in {clock.ElapsedMilliseconds} ms.");

        var folder = Path.Combine(Path.GetTempPath(), "threadline-bench-" + Guid.NewGuid().ToString("N")[..8]);
        string? postgresDatabase = null;
        try
        {
            var sqlite = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "threadline.db"), Pooling = false }.ToString();
            var catalog = await StoreAndLoadAsync(StorageProviders.Sqlite, sqlite, folder, product);
            await using (var connection = new SqliteConnection(sqlite))
            {
                await connection.OpenAsync();
                RequireSqliteInstantFormat(connection);
                await using var analyze = connection.CreateCommand();
                analyze.CommandText = "ANALYZE;";
                await analyze.ExecuteNonQueryAsync();
            }

            var methods = new List<RecursiveBomQuery>();
            await using var sqliteQuery = new SqliteBomQuery(sqlite);
            methods.Add(sqliteQuery);
            PostgresBomQuery? postgresQuery = null;
            if (options.PostgresConnectionString is { } admin)
            {
                (postgresDatabase, var postgres) = await ScratchPostgres.CreateAsync(admin);
                await StoreAndLoadAsync(StorageProviders.Postgres, postgres, folder, product);
                await using (var connection = new NpgsqlConnection(postgres))
                {
                    await connection.OpenAsync();
                    await using var analyze = new NpgsqlCommand("ANALYZE;", connection);
                    await analyze.ExecuteNonQueryAsync();
                }
                postgresQuery = await PostgresBomQuery.OpenAsync(postgres);
                methods.Add(postgresQuery);
            }
            try
            {
                Verify(catalog, product, methods);
                Measure(catalog, product.ProductNumber, methods, options);
            }
            finally
            {
                if (postgresQuery is not null)
                {
                    await postgresQuery.DisposeAsync();
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            if (postgresDatabase is not null && options.PostgresConnectionString is { } admin)
            {
                await ScratchPostgres.DropAsync(admin, postgresDatabase);
            }
        }
        return 0;
    }

    /// <summary>Writes the product with the server's own store and reads it back: the in-memory side resolves on the loaded snapshot.</summary>
    private static async Task<PlmCatalog> StoreAndLoadAsync(string provider, string connectionString, string folder, GeneratedProduct product)
    {
        var clock = Stopwatch.StartNew();
        var db = new ThreadlineDb(
            Options.Create(new StorageOptions { Provider = provider, ConnectionString = connectionString, CommandTimeoutSeconds = 600 }),
            Options.Create(new HostingPaths { DataDirectory = folder }));
        await db.MigrateAsync();
        var store = new PlmStore(db);
        if (!await store.SaveAsync(product.Items, 0, CancellationToken.None))
        {
            throw new InvalidOperationException($"The fresh {provider} store was not at catalog version 0.");
        }
        var (catalog, _) = await store.LoadAsync(CancellationToken.None);
        await using (var context = db.CreateContext())
        {
            var rows = await context.BomLines.CountAsync();
            if (rows != product.LineCount)
            {
                throw new InvalidOperationException($"{provider} holds {rows} bom_lines rows; {product.LineCount} were written.");
            }
        }
        Console.WriteLine($"Stored and reloaded through PlmStore on {provider} in {clock.ElapsedMilliseconds} ms.");
        return catalog;
    }

    private static void RequireSqliteInstantFormat(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT effective_from FROM item_revisions WHERE effective_from IS NOT NULL LIMIT 1";
        var stored = (string)command.ExecuteScalar()!;
        var expected = BomProductGenerator.BaseRelease.ToString(SqliteBomQuery.InstantFormat, CultureInfo.InvariantCulture);
        if (stored.Length != expected.Length || !stored.EndsWith("+00:00", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"SQLite stores instants as '{stored}', not in the '{SqliteBomQuery.InstantFormat}' UTC form the query compares as text.");
        }
    }

    private static void Verify(PlmCatalog catalog, GeneratedProduct product, List<RecursiveBomQuery> methods)
    {
        foreach (var query in Queries)
        {
            var generated = Flatten(product.Catalog.ResolveBom(product.ProductNumber, query));
            var expected = Flatten(catalog.ResolveBom(product.ProductNumber, query));
            RequireSame("in-memory on the generated catalog", generated, "in-memory on the catalog loaded from SQLite", expected, query);
            foreach (var method in methods)
            {
                RequireSame(method.Name, method.Run(product.ProductNumber, query), "in-memory", expected, query);
            }
            Console.WriteLine($"  {Describe(query)}: {expected.Count} nodes, same in every method");
        }
    }

    private static void RequireSame(string name, List<FlatBomRow> actual, string referenceName, List<FlatBomRow> reference, BomQuery query)
    {
        var missing = reference.GroupBy(r => r).Select(g => (Row: g.Key, Count: g.Count()))
            .Except(actual.GroupBy(r => r).Select(g => (Row: g.Key, Count: g.Count()))).ToList();
        if (actual.Count != reference.Count || missing.Count > 0)
        {
            var example = missing.Count > 0 ? $" First difference: {missing[0].Row} x{missing[0].Count} in {referenceName}." : "";
            throw new InvalidOperationException(
                $"{name} answers {Describe(query)} with {actual.Count} rows; {referenceName} has {reference.Count}.{example}");
        }
    }

    private static List<FlatBomRow> Flatten(ResolvedBom bom)
    {
        var rows = new List<FlatBomRow>();
        void Walk(IReadOnlyList<ResolvedBomLine> lines, string path)
        {
            foreach (var line in lines)
            {
                var here = $"{path}/{line.FindNumber}:{line.Item}";
                rows.Add(new FlatBomRow(here, line.Item, line.Revision, line.Quantity));
                Walk(line.Lines, here);
            }
        }
        Walk(bom.Lines, "");
        return rows;
    }

    private static void Measure(PlmCatalog catalog, string product, List<RecursiveBomQuery> methods, BomBenchmarkOptions options)
    {
        var results = new List<Latency>
        {
            Latency.Measure("In-memory PlmCatalog.ResolveBom", Math.Min(options.Iterations, 2_000), options.Iterations,
                i => catalog.ResolveBom(product, Queries[i % Queries.Length]).Lines.Count),
        };
        var allocated = AllocatedPerCall(catalog, product);
        foreach (var method in methods)
        {
            results.Add(Latency.Measure(method.Name, Math.Max(5, options.SqlIterations / 10), options.SqlIterations,
                i => method.Run(product, Queries[i % Queries.Length]).Count));
        }

        var memory = results[0];
        Console.WriteLine();
        Console.WriteLine("| Method | Calls | Median (ms) | p99 (ms) | Mean (ms) | Median vs in-memory |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var ratio = r == memory ? "1x" : (r.MedianMs / memory.MedianMs).ToString("0.0", CultureInfo.InvariantCulture) + "x";
            Console.WriteLine($"| {r.Method} | {r.Calls:N0} | {Latency.Format(r.MedianMs)} | {Latency.Format(r.P99Ms)} | {Latency.Format(r.MeanMs)} | {ratio} |");
        }
        Console.WriteLine();
        Console.WriteLine($"In-memory allocation: {allocated / 1024.0:N0} KiB per call.");
        var slowestTarget = results.Skip(1).Select(r => r.MedianMs / memory.MedianMs).DefaultIfEmpty(double.PositiveInfinity).Min();
        Console.WriteLine($"Target median < 1 ms: {(memory.MedianMs < 1 ? "met" : "MISSED")}; " +
            $"at least 10x faster than recursive SQL: {(slowestTarget >= 10 ? "met" : "MISSED")} (smallest ratio {slowestTarget:0.0}x).");
    }

    private static double AllocatedPerCall(PlmCatalog catalog, string product)
    {
        const int calls = 300;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            catalog.ResolveBom(product, Queries[i % Queries.Length]);
        }
        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)calls;
    }

    private static string Describe(BomQuery query) =>
        $"serial {query.Serial} on {query.At:yyyy-MM-dd}{(query.Lot is null ? "" : $" lot {query.Lot}")}";
}
