namespace Threadline.Prediction.Anomaly;

/// <summary>A labelled anomaly window: both ends are timestamps of rows in the series, inclusive.</summary>
public readonly record struct AnomalyWindow(DateTime Start, DateTime End);

/// <summary>One series to score: its timestamps (as in the file), the detector's score per row in 0..1, and its labelled windows.</summary>
public sealed record NabSeriesScores(string Name, IReadOnlyList<DateTime> Timestamps, IReadOnlyList<double> Scores, IReadOnlyList<AnomalyWindow> Windows);

/// <summary>How one series fared at the profile's chosen threshold.</summary>
public sealed record NabFileResult(string Name, int Windows, int DetectedWindows, int FalsePositives, double RawScore);

/// <summary>The corpus score for one profile: raw sums, the null and perfect anchors, and the normalised score (null 0, perfect 100).</summary>
public sealed record NabProfileResult(
    NabProfile Profile, double Threshold, double RawScore, double NullScore, double PerfectScore, double NormalisedScore,
    IReadOnlyList<NabFileResult> Files);

/// <summary>
/// The Numenta Anomaly Benchmark scoring rules (Lavin and Ahmad 2015; NAB's nab/sweeper.py and nab/scorer.py).
/// A detection is a row whose score is at least the threshold. Inside a window, only the best (which is the earliest)
/// detection counts, rewarded A_TP·σs(position)/σs(-1) where position runs from -1 at the left edge towards 0 at the right.
/// Outside windows every detection costs A_FP·σs(distance past the previous window's right edge, in window widths), which is
/// about -A_FP far from any window and milder just after one. Each window with no detection costs A_FN. Rows in the first
/// 15 % of a file (at most 750) are a probationary period and are not scored. The threshold is the one that maximises the
/// sum over all files, chosen per profile.
/// </summary>
public static class NabScorer
{
    /// <summary>Share of each file treated as probationary.</summary>
    public const double ProbationPercent = 0.15;

    /// <summary>NAB's scaled sigmoid: 2σ(-5x) - 1, and -1 from x = 3 on.</summary>
    public static double ScaledSigmoid(double relativePosition) =>
        relativePosition >= 3.0 ? -1.0 : 2.0 / (1.0 + Math.Exp(5.0 * relativePosition)) - 1.0;

    /// <summary>Rows at the start of a file of <paramref name="rows"/> rows that are not scored.</summary>
    public static int ProbationaryLength(int rows) =>
        (int)Math.Min(Math.Floor(ProbationPercent * rows), ProbationPercent * 5000);

    /// <summary>Scores a corpus for one profile, choosing the threshold that maximises the total.</summary>
    public static NabProfileResult Score(IReadOnlyList<NabSeriesScores> corpus, NabProfile profile)
    {
        var swept = corpus.Select(s => Sweep(s, profile)).ToArray();
        var threshold = BestThreshold(swept, profile);
        var files = swept.Select(f => ScoreAt(f, threshold, profile)).ToArray();
        var windows = swept.Sum(f => f.WindowCount);
        var raw = files.Sum(f => f.RawScore);
        var nullScore = -profile.FnWeight * windows;
        var perfect = profile.TpWeight * windows;
        var normalised = perfect == nullScore ? 0 : 100 * (raw - nullScore) / (perfect - nullScore);
        return new NabProfileResult(profile, threshold, raw, nullScore, perfect, normalised, files);
    }

    /// <summary>Scores one series at a fixed threshold.</summary>
    public static NabFileResult ScoreAtThreshold(NabSeriesScores series, NabProfile profile, double threshold) =>
        ScoreAt(Sweep(series, profile), threshold, profile);

    /// <summary>A row after the probationary period: its detector score, its weight if detected, and its window (-1 if none).</summary>
    internal readonly record struct SweptRow(double AnomalyScore, double SweepScore, int Window);

    internal sealed record SweptFile(string Name, SweptRow[] Rows, int WindowCount);

    internal static SweptFile Sweep(NabSeriesScores series, NabProfile profile)
    {
        var timestamps = series.Timestamps;
        if (timestamps.Count != series.Scores.Count)
        {
            throw new ArgumentException($"{series.Name}: {timestamps.Count} timestamps but {series.Scores.Count} scores.", nameof(series));
        }

        var index = new Dictionary<DateTime, int>();
        for (var i = 0; i < timestamps.Count; i++)
        {
            index.TryAdd(timestamps[i], i);
        }

        var maxTp = ScaledSigmoid(-1.0);
        var probation = ProbationaryLength(timestamps.Count);
        var pending = new Queue<AnomalyWindow>(series.Windows.OrderBy(w => w.Start));
        var rows = new List<SweptRow>(timestamps.Count);
        var windowIds = new HashSet<int>();
        var windowNumber = -1;
        var inWindow = false;
        int currentRight = 0, currentWidth = 0;
        int? previousRight = null;
        var previousWidth = 0;
        for (var i = 0; i < timestamps.Count; i++)
        {
            if (!inWindow && pending.Count > 0 && timestamps[i] == pending.Peek().Start)
            {
                var w = pending.Dequeue();
                windowNumber++;
                inWindow = true;
                currentRight = index.TryGetValue(w.End, out var right)
                    ? right
                    : throw new ArgumentException($"{series.Name}: window end {w.End:O} is not a timestamp of the series.", nameof(series));
                currentWidth = currentRight - i + 1;
            }

            double sweepScore;
            if (inWindow)
            {
                // NAB's "+ 1": the left edge sits at -1 and the right edge just short of 0.
                var position = -(currentRight - i + 1) / (double)currentWidth;
                sweepScore = ScaledSigmoid(position) * profile.TpWeight / maxTp;
            }
            else
            {
                var position = previousRight is { } pr ? Math.Abs(pr - i) / (double)(previousWidth - 1) : 3.0;
                sweepScore = ScaledSigmoid(position) * profile.FpWeight;
            }

            if (i >= probation)
            {
                var window = inWindow ? windowNumber : -1;
                rows.Add(new SweptRow(series.Scores[i], sweepScore, window));
                if (inWindow)
                {
                    windowIds.Add(window);
                }
            }

            if (inWindow && i == currentRight)
            {
                inWindow = false;
                previousRight = i;
                previousWidth = currentWidth;
            }
        }

        if (pending.Count > 0)
        {
            throw new ArgumentException($"{series.Name}: window start {pending.Peek().Start:O} is not a timestamp of the series.", nameof(series));
        }

        return new SweptFile(series.Name, rows.ToArray(), windowIds.Count);
    }

    private static NabFileResult ScoreAt(SweptFile file, double threshold, NabProfile profile)
    {
        var best = new Dictionary<int, double>();
        var falsePositives = 0;
        var fpSum = 0.0;
        foreach (var row in file.Rows)
        {
            if (row.AnomalyScore < threshold)
            {
                continue;
            }

            if (row.Window < 0)
            {
                falsePositives++;
                fpSum += row.SweepScore;
            }
            else
            {
                best[row.Window] = best.TryGetValue(row.Window, out var b) ? Math.Max(b, row.SweepScore) : row.SweepScore;
            }
        }

        var raw = fpSum + best.Values.Sum() - profile.FnWeight * (file.WindowCount - best.Count);
        return new NabFileResult(file.Name, file.WindowCount, best.Count, falsePositives, raw);
    }

    // NAB's calcScoreByThreshold over the pooled rows of every file: walk the rows from the highest score down and keep the
    // running total at each distinct score, so every useful threshold is tried in one pass.
    private static double BestThreshold(IReadOnlyList<SweptFile> files, NabProfile profile)
    {
        var all = new List<(double Score, double Sweep, long Window)>();
        var totalWindows = 0;
        for (var f = 0; f < files.Count; f++)
        {
            foreach (var row in files[f].Rows)
            {
                all.Add((row.AnomalyScore, row.SweepScore, row.Window < 0 ? -1 : ((long)f << 32) | (uint)row.Window));
            }

            totalWindows += files[f].WindowCount;
        }

        all.Sort((a, b) => b.Score.CompareTo(a.Score));
        var best = new Dictionary<long, double>();
        var windowPart = -profile.FnWeight * totalWindows;
        var fpPart = 0.0;
        var bestThreshold = 1.1;
        var bestScore = windowPart;
        var i = 0;
        while (i < all.Count)
        {
            var threshold = all[i].Score;
            for (; i < all.Count && all[i].Score == threshold; i++)
            {
                var (_, sweep, window) = all[i];
                if (window < 0)
                {
                    fpPart += sweep;
                }
                else if (best.TryGetValue(window, out var current))
                {
                    if (sweep > current)
                    {
                        windowPart += sweep - current;
                        best[window] = sweep;
                    }
                }
                else
                {
                    windowPart += sweep + profile.FnWeight;
                    best[window] = sweep;
                }
            }

            if (fpPart + windowPart > bestScore)
            {
                bestScore = fpPart + windowPart;
                bestThreshold = threshold;
            }
        }

        return bestThreshold;
    }
}
