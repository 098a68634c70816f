using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Threadline.Cli;
using Threadline.Hosting;

namespace Threadline.Features.Assets;

/// <summary>`threadline assets validate`: the validation gate from the command line, for a go/no-go step in a rollout script.</summary>
public static class AssetsCommand
{
    public static Command Create()
    {
        var data = ServerCommands.DataOption();
        var targets = new Option<FileInfo?>("--targets")
        {
            Description = "A file of asset IDs the IoT side uses (one per line, or the first column of a CSV), checked besides the stored targets.",
        };
        var validate = new Command("validate", "Check that every targeted asset ID resolves to a released PLM BOM. Exit code 0: the gate passes; 1: some do not (listed with reason and proposal).")
        {
            data, targets,
        };
        validate.SetAction((result, ct) => ServerCommands.WithConfigurationErrorsReported(async () =>
        {
            await using var services = await ToolServices.StartAsync(ServerCommands.Flags(null, result.GetValue(data)), ct);
            return await ValidateAsync(result.GetValue(targets), services.GetRequiredService<InstalledBaseService>(), AnsiConsole.Console, ct);
        }));
        var command = new Command("assets", "Installed-base checks.");
        command.Subcommands.Add(validate);
        return command;
    }

    public static async Task<int> ValidateAsync(FileInfo? targets, InstalledBaseService assets, IAnsiConsole console, CancellationToken ct)
    {
        List<string>? extra = null;
        if (targets is not null)
        {
            if (!targets.Exists)
            {
                console.MarkupLineInterpolated($"[red]No such file:[/] {targets.FullName}");
                return 2;
            }
            extra = [.. (await File.ReadAllLinesAsync(targets.FullName, ct))
                .Select(l => l.Split(',')[0].Trim().Trim('"'))
                .Where(l => l.Length > 0 && !l.Equals("asset_id", StringComparison.OrdinalIgnoreCase))];
        }
        var report = await assets.ValidateAsync(extra, ct);
        console.MarkupLineInterpolated($"{report.Resolved} of {report.Total} targeted asset IDs resolve to a released BOM ({report.ResolvedShare.ToString("P1", CultureInfo.InvariantCulture)}).");
        if (report.EndOfLife.Count > 0)
        {
            console.MarkupLineInterpolated($"[grey]{report.EndOfLife.Count} of them are end-of-life (resolve read-only).[/]");
        }
        if (report.Unresolved.Count == 0)
        {
            console.MarkupLine("[green]Gate passed.[/]");
            return 0;
        }
        var table = new Table().AddColumns("asset ID", "reason", "detail", "proposal");
        foreach (var u in report.Unresolved)
        {
            table.AddRow(Markup.Escape(u.AssetId), AssetResponse.Kebab(u.Reason.ToString()), Markup.Escape(u.Detail), Markup.Escape(u.Proposal ?? ""));
        }
        console.Write(table);
        console.MarkupLineInterpolated($"[red]Gate not passed:[/] {report.Unresolved.Count} unresolved.");
        return 1;
    }
}
