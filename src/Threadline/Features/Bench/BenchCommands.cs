using System.CommandLine;
using System.Globalization;
using System.Text;
using Threadline.Prediction.Anomaly;
using Threadline.Prediction.Rul;

namespace Threadline.Features.Bench;

/// <summary>`threadline bench rul|nab`: measures the predictive models on public benchmarks. The work is in Threadline.Core; this only reads flags and prints.</summary>
public static class BenchCommands
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure the predictive models on public benchmarks (figures in docs/benchmarks.md).");
        bench.Subcommands.Add(Rul());
        bench.Subcommands.Add(Nab());
        return bench;
    }

    private static Command Rul()
    {
        var train = new Option<FileInfo>("--train") { Description = "Run-to-failure histories in the C-MAPSS format (e.g. train_FD001.txt).", Required = true };
        var test = new Option<FileInfo>("--test") { Description = "Test histories in the C-MAPSS format (e.g. test_FD001.txt).", Required = true };
        var truth = new Option<FileInfo>("--truth") { Description = "True RUL after the last test cycle, one unit per line (e.g. RUL_FD001.txt).", Required = true };
        var command = new Command("rul", "Train the RUL model and score it on the last cycle of every test unit: RMSE, NASA score, training time.")
        {
            train, test, truth,
        };
        command.SetAction((result, ct) =>
        {
            var files = new[] { result.GetValue(train)!, result.GetValue(test)!, result.GetValue(truth)! };
            if (Missing(files) is { } missing)
            {
                return Task.FromResult(missing);
            }

            var outcome = RulBenchmark.Run(files[0].FullName, files[1].FullName, files[2].FullName);
            Console.WriteLine(FormattableString.Invariant($"units            {outcome.Units}"));
            Console.WriteLine(FormattableString.Invariant($"RMSE             {outcome.Rmse:F2} cycles"));
            Console.WriteLine(FormattableString.Invariant($"NASA score       {outcome.NasaScore:F1}"));
            Console.WriteLine(FormattableString.Invariant($"training time    {outcome.TrainingTime.TotalSeconds:F1} s ({Environment.ProcessorCount} cores)"));
            Console.WriteLine(FormattableString.Invariant($"80% interval     holds {outcome.IntervalCoverage:P0} of the capped true RUL"));
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Nab()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "NAB's data folder (holds realKnownCause/, artificialWithAnomaly/, ...).", Required = true };
        var labels = new Option<FileInfo>("--labels") { Description = "NAB's labels/combined_windows.json.", Required = true };
        var output = new Option<FileInfo?>("--out") { Description = "Where to write per-file results as CSV (optional)." };
        var command = new Command("nab", "Run the streaming detector over every NAB series and score it with NAB's rules under the three profiles.")
        {
            data, labels, output,
        };
        command.SetAction(async (result, ct) =>
        {
            var folder = result.GetValue(data)!;
            var windows = result.GetValue(labels)!;
            if (!folder.Exists)
            {
                await Console.Error.WriteLineAsync($"threadline: no such folder: {folder.FullName}");
                return 2;
            }

            if (Missing([windows]) is { } missing)
            {
                return missing;
            }

            var outcome = NabBenchmark.Run(folder.FullName, windows.FullName);
            Console.WriteLine("profile               score  threshold  windows found  false positives");
            foreach (var p in outcome.Profiles)
            {
                Console.WriteLine(FormattableString.Invariant(
                    $"{p.Profile.Name,-20} {p.NormalisedScore,6:F1}  {p.Threshold,9:F4}  {p.Files.Sum(f => f.DetectedWindows),5}/{p.Files.Sum(f => f.Windows),-7}  {p.Files.Sum(f => f.FalsePositives),15}"));
            }

            if (result.GetValue(output) is { } csv)
            {
                await File.WriteAllTextAsync(csv.FullName, PerFileCsv(outcome), ct);
                Console.WriteLine($"per-file results: {csv.FullName}");
            }

            return 0;
        });
        return command;
    }

    private static string PerFileCsv(NabBenchmarkResult outcome)
    {
        var text = new StringBuilder("profile,file,windows,detected_windows,false_positives,raw_score\n");
        foreach (var p in outcome.Profiles)
        {
            foreach (var f in p.Files)
            {
                text.Append(CultureInfo.InvariantCulture, $"{p.Profile.Name},{f.Name},{f.Windows},{f.DetectedWindows},{f.FalsePositives},{f.RawScore:F4}\n");
            }
        }

        return text.ToString();
    }

    private static int? Missing(IEnumerable<FileInfo> files)
    {
        foreach (var file in files.Where(f => !f.Exists))
        {
            Console.Error.WriteLine($"threadline: no such file: {file.FullName}");
            return 2;
        }

        return null;
    }
}
