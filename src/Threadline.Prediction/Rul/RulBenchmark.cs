using System.Diagnostics;

namespace Threadline.Prediction.Rul;

/// <summary>The outcome of training on one C-MAPSS file and scoring the last cycle of each test unit against the truth file.</summary>
/// <param name="Rmse">Root mean square error in cycles.</param>
/// <param name="NasaScore">The asymmetric NASA score (lower is better).</param>
/// <param name="TrainingTime">Wall time of <see cref="RulModel.Train"/>, interval folds included.</param>
/// <param name="IntervalCoverage">Share of test units whose true RUL (capped) fell inside the predicted interval.</param>
public sealed record RulBenchmarkResult(
    int Units, double Rmse, double NasaScore, TimeSpan TrainingTime, double IntervalCoverage, IReadOnlyList<RulPrediction> Predictions,
    IReadOnlyList<double> Truth);

/// <summary>Trains on a run-to-failure file and measures on a test file plus its truth file, the way C-MAPSS results are published.</summary>
public static class RulBenchmark
{
    /// <summary>Runs the benchmark on files in the C-MAPSS format.</summary>
    public static RulBenchmarkResult Run(string trainPath, string testPath, string truthPath, RulModelOptions? options = null)
    {
        options ??= new RulModelOptions();
        var train = CmapssFile.Read(trainPath);
        var test = CmapssFile.Read(testPath);
        var truth = CmapssFile.ReadTruth(truthPath);
        if (truth.Count != test.Count)
        {
            throw new InvalidDataException($"{truthPath} has {truth.Count} values but {testPath} has {test.Count} units.");
        }

        var clock = Stopwatch.StartNew();
        var model = RulModel.Train(train, options);
        clock.Stop();
        var predictions = model.PredictMany(test);
        var predicted = predictions.Select(p => p.Rul).ToArray();
        // The model predicts on the capped scale, so the interval is judged against the capped truth.
        var inside = predictions.Zip(truth).Count(x => Math.Min(x.Second, options.MaxRul) is var capped && capped >= x.First.Lower && capped <= x.First.Upper);
        return new RulBenchmarkResult(
            test.Count,
            RulScoring.Rmse(predicted, truth),
            RulScoring.NasaScore(predicted, truth),
            clock.Elapsed,
            (double)inside / test.Count,
            predictions,
            truth);
    }
}
