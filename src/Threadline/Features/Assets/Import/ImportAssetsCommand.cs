using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Threadline.Api;
using Threadline.Assets;
using Threadline.Assets.Import;
using Threadline.Cli;
using Threadline.Features.Plm;
using Threadline.Hosting;
using Threadline.Plm;
using Threadline.Plm.Import;

namespace Threadline.Features.Assets.Import;

/// <summary>
/// `threadline import assets FILE.csv` and `threadline import as-built FILE.csv`: load units and their as-built
/// records with a progress bar and a line-numbered report. Exit code 0: every row loaded or already there;
/// 1: some rows refused (listed); 2: the file could not be read.
/// </summary>
public static class ImportAssetsCommand
{
    public static Command Assets() => Create("assets", "Register units from CSV (serial, item, revision, asset_id, iot_device_id, site, ship_date, legacy_ids).", RunAssetsAsync);

    public static Command AsBuilt() => Create("as-built", "Load as-built records from MES as CSV (asset_id, find_number, item, revision, serial, lot, substitutes); each unit's record is replaced whole or not at all.", RunAsBuiltAsync);

    private static Command Create(string name, string description, Func<FileInfo, bool, IServiceProvider, IAnsiConsole, CancellationToken, Task<int>> run)
    {
        var file = new Argument<FileInfo>("file") { Description = "The CSV file (format: docs/import-formats.md)." };
        var data = ServerCommands.DataOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file and report, writing nothing." };
        var command = new Command(name, description + " Exit code 0: all rows loaded or already there; 1: some refused; 2: unreadable file.") { file, data, dryRun };
        command.SetAction((result, ct) => ServerCommands.WithConfigurationErrorsReported(async () =>
        {
            await using var services = await ToolServices.StartAsync(ServerCommands.Flags(null, result.GetValue(data)), ct);
            return await run(result.GetValue(file)!, result.GetValue(dryRun), services, AnsiConsole.Console, ct);
        }));
        return command;
    }

    public static async Task<int> RunAssetsAsync(FileInfo file, bool dryRun, IServiceProvider services, IAnsiConsole console, CancellationToken ct)
    {
        var store = services.GetRequiredService<AssetStore>();
        var installedBase = services.GetRequiredService<InstalledBaseService>();
        var plm = services.GetRequiredService<PlmService>();
        AssetImportReport? report = null;
        var code = await WithProgressAsync(file, console, async (progress, reading, stream, reader) =>
        {
            var (rows, errors) = AssetCsvReader.ReadAssets(reader, _ => reading.Value = stream.Position);
            reading.Value = reading.MaxValue;
            var checking = progress.AddTask("Checking against PLM and installed base", maxValue: 1);
            var (toRegister, result) = AssetImportPlan.Apply(rows, errors, await plm.CatalogAsync(ct), await installedBase.FamiliesAsync(ct),
                await store.ListAsync(null, null, null, ct), installedBase.Time.GetUtcNow());
            checking.Increment(1);
            report = result;
            if (!dryRun && toRegister.Count > 0)
            {
                var writing = progress.AddTask("Registering units", maxValue: toRegister.Count);
                foreach (var batch in toRegister.Chunk(1000))
                {
                    await store.InsertAsync(batch, ct);
                    writing.Increment(batch.Length);
                }
            }
        });
        if (report is null)
        {
            return code;
        }
        var summary = new Table().AddColumns("", dryRun ? "would change" : "changed");
        summary.AddRow("rows read", Count(report.Rows));
        summary.AddRow("units registered", Count(report.Registered));
        summary.AddRow("already registered, unchanged", Count(report.Unchanged));
        summary.AddRow("IDs repaired or kept as legacy", Count(report.Renamed.Count));
        summary.AddRow("rows refused", Count(report.Rejected.Count));
        console.Write(summary);
        foreach (var renamed in report.Renamed)
        {
            console.MarkupLineInterpolated($"[grey]line {renamed.Line}:[/] '{renamed.Given}' → {renamed.AssetId}{(renamed.KeptAsAlias ? " (kept as legacy ID)" : " (normalised)")}");
        }
        PrintRejected(report.Rejected, console);
        return report.Clean ? 0 : 1;
    }

    public static async Task<int> RunAsBuiltAsync(FileInfo file, bool dryRun, IServiceProvider services, IAnsiConsole console, CancellationToken ct)
    {
        var store = services.GetRequiredService<AssetStore>();
        var plm = services.GetRequiredService<PlmService>();
        var rejected = new List<RejectedRow>();
        int rowsRead = 0, written = 0, unchanged = 0, deviating = 0;
        var code = await WithProgressAsync(file, console, async (progress, reading, stream, reader) =>
        {
            var (rows, errors) = AssetCsvReader.ReadAsBuilt(reader, _ => reading.Value = stream.Position);
            reading.Value = reading.MaxValue;
            rejected.AddRange(errors);
            rowsRead = rows.Count + errors.Count;
            var catalog = await plm.CatalogAsync(ct);
            var units = rows.GroupBy(r => r.AssetId.Trim(), StringComparer.Ordinal).ToList();
            var applying = progress.AddTask("Reconciling units", maxValue: Math.Max(1, units.Count));
            foreach (var unit in units)
            {
                applying.Increment(1);
                var lines = unit.Select(r => r.Line).ToList();
                if (await store.HistoryAsync(unit.Key, ct) is not { } history)
                {
                    rejected.AddRange(lines.Select(l => new RejectedRow(l, $"No asset '{unit.Key}' is registered.")));
                    continue;
                }
                // Each row is checked alone first so a refusal names its own line; the unit is then written whole or not at all.
                var bad = unit.Select(r => (r.Line, Error: Check(history.Asset, catalog, r.Component))).Where(r => r.Error is not null).ToList();
                if (bad.Count > 0)
                {
                    rejected.AddRange(bad.Select(b => new RejectedRow(b.Line, b.Error!)));
                    rejected.AddRange(lines.Except(bad.Select(b => b.Line)).Select(l => new RejectedRow(l, $"Not loaded: unit {unit.Key} has refused rows.")));
                    continue;
                }
                try
                {
                    var components = AssetRules.CheckAsBuilt(history.Asset, catalog, [.. unit.Select(r => r.Component)]);
                    if (components.SequenceEqual(history.AsBuilt))
                    {
                        unchanged++;
                        continue;
                    }
                    deviating += AssetConfigurations.Reconcile(history.Asset, AssetConfigurations.Designed(catalog, history.Asset), components).Count > 0 ? 1 : 0;
                    if (!dryRun)
                    {
                        await store.ReplaceAsBuiltAsync(history.Asset.Id, components, ct);
                    }
                    written++;
                }
                catch (PlmRuleException ex)
                {
                    rejected.AddRange(lines.Select(l => new RejectedRow(l, $"Unit {unit.Key}: {ex.Message}")));
                }
            }
        });
        if (code == 2)
        {
            return code;
        }
        var summary = new Table().AddColumns("", dryRun ? "would change" : "changed");
        summary.AddRow("rows read", Count(rowsRead));
        summary.AddRow("as-built records written", Count(written));
        summary.AddRow("of which deviate from design", Count(deviating));
        summary.AddRow("already up to date", Count(unchanged));
        summary.AddRow("rows refused", Count(rejected.Count));
        console.Write(summary);
        PrintRejected([.. rejected.OrderBy(r => r.Line)], console);
        return rejected.Count == 0 ? 0 : 1;
    }

    private static string? Check(Asset asset, PlmCatalog catalog, AsBuiltComponent component)
    {
        try
        {
            AssetRules.CheckAsBuilt(asset, catalog, [component]);
            return null;
        }
        catch (PlmRuleException ex)
        {
            return ex.Message.Replace("components[0]: ", "", StringComparison.Ordinal);
        }
    }

    private static async Task<int> WithProgressAsync(FileInfo file, IAnsiConsole console, Func<ProgressContext, ProgressTask, Stream, StreamReader, Task> work)
    {
        if (!file.Exists)
        {
            console.MarkupLineInterpolated($"[red]No such file:[/] {file.FullName}");
            return 2;
        }
        try
        {
            await console.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var reading = progress.AddTask("Reading rows", maxValue: Math.Max(1, file.Length));
                using var stream = file.OpenRead();
                using var reader = new StreamReader(stream);
                await work(progress, reading, stream, reader);
            });
            return 0;
        }
        catch (CsvImport.UnreadableFileException unreadable)
        {
            console.MarkupLineInterpolated($"[red]Cannot import {file.Name}:[/] {unreadable.Message}");
            return 2;
        }
    }

    private static void PrintRejected(IReadOnlyList<RejectedRow> rejected, IAnsiConsole console)
    {
        foreach (var row in rejected)
        {
            console.MarkupLineInterpolated($"[yellow]line {row.Line}:[/] {row.Reason}");
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
