namespace Threadline.Prediction.Anomaly;

/// <summary>The NAB outcome of one detector configuration: a result per profile.</summary>
public sealed record NabBenchmarkResult(IReadOnlyList<NabProfileResult> Profiles);

/// <summary>Runs a fresh <see cref="StreamingAnomalyDetector"/> over every NAB series, point by point, and scores it under each profile.</summary>
public static class NabBenchmark
{
    /// <summary>Scores the corpus under data <paramref name="dataDirectory"/> with the windows in <paramref name="windowsPath"/>.</summary>
    public static NabBenchmarkResult Run(string dataDirectory, string windowsPath, AnomalyDetectorOptions? options = null) =>
        Run(NabCorpus.Load(dataDirectory, windowsPath), options);

    /// <summary>Scores an already loaded corpus.</summary>
    public static NabBenchmarkResult Run(IReadOnlyList<NabSeries> corpus, AnomalyDetectorOptions? options = null)
    {
        var scored = corpus.Select(s => new NabSeriesScores(s.Name, s.Timestamps, Detect(s, options), s.Windows)).ToArray();
        return new NabBenchmarkResult(NabProfile.All.Select(p => NabScorer.Score(scored, p)).ToArray());
    }

    /// <summary>The detector's score for every row of one series.</summary>
    public static double[] Detect(NabSeries series, AnomalyDetectorOptions? options = null)
    {
        var detector = new StreamingAnomalyDetector(options);
        var scores = new double[series.Values.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = detector.Update(series.Timestamps[i], series.Values[i]);
        }

        return scores;
    }
}
