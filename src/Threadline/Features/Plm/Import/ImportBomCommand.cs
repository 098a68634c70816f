using System.CommandLine;
using Spectre.Console;
using Threadline.Api;
using Threadline.Cli;
using Threadline.Hosting;
using Threadline.Plm.Import;

namespace Threadline.Features.Plm.Import;

/// <summary>`threadline import bom FILE.csv`: loads a multi-level BOM, with a progress bar and a line-numbered report.</summary>
public static class ImportBomCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The CSV file (format: docs/import-formats.md)." };
        var data = ServerCommands.DataOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Check the file against the PLM records and report, writing nothing." };
        var command = new Command("bom", "Load a multi-level BOM from CSV. Exit code 0: every row loaded; 1: some rows refused (listed); 2: the file could not be read.")
        {
            file, data, dryRun,
        };
        command.SetAction((result, ct) => ServerCommands.WithConfigurationErrorsReported(async () =>
        {
            await using var services = await ToolServices.StartAsync(ServerCommands.Flags(null, result.GetValue(data)), ct);
            return await RunAsync(result.GetValue(file)!, result.GetValue(dryRun), services.GetRequiredService<PlmService>(), AnsiConsole.Console, ct);
        }));
        return command;
    }

    public static async Task<int> RunAsync(FileInfo file, bool dryRun, PlmService plm, IAnsiConsole console, CancellationToken ct)
    {
        if (!file.Exists)
        {
            console.MarkupLineInterpolated($"[red]No such file:[/] {file.FullName}");
            return 2;
        }
        BomImportReport? report = null;
        try
        {
            await console.Progress().AutoClear(false).StartAsync(async progress =>
            {
                var reading = progress.AddTask("Reading rows", maxValue: Math.Max(1, file.Length));
                using var stream = file.OpenRead();
                using var reader = new StreamReader(stream);
                var (rows, errors) = BomCsvReader.Read(reader, _ => reading.Value = stream.Position);
                reading.Value = reading.MaxValue;

                var applying = progress.AddTask("Applying to PLM", maxValue: 1);
                await plm.ChangeAsync((catalog, now) =>
                {
                    var (changed, result) = BomImportPlan.Apply(catalog, rows, errors, now);
                    report = result;
                    return dryRun ? [] : changed;
                }, ct);
                applying.Increment(1);
            });
        }
        catch (CsvImport.UnreadableFileException unreadable)
        {
            console.MarkupLineInterpolated($"[red]Cannot import {file.Name}:[/] {unreadable.Message}");
            return 2;
        }

        Print(report!, dryRun, console);
        return report!.Clean ? 0 : 1;
    }

    private static void Print(BomImportReport report, bool dryRun, IAnsiConsole console)
    {
        var summary = new Table().AddColumns("", dryRun ? "would change" : "changed");
        summary.AddRow("rows read", report.Rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("items created", report.ItemsCreated.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("revisions created", report.RevisionsCreated.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("BOMs written", report.BomsWritten.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("BOMs already up to date", report.BomsUnchanged.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("revisions released", report.RevisionsReleased.ToString(System.Globalization.CultureInfo.InvariantCulture));
        summary.AddRow("rows refused", report.Rejected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        console.Write(summary);
        foreach (var rejected in report.Rejected)
        {
            console.MarkupLineInterpolated($"[yellow]line {rejected.Line}:[/] {rejected.Reason}");
        }
    }
}
