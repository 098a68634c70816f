namespace Threadline.Prediction.Anomaly;

public class NabScorerTests
{
    private static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    // 100 rows a minute apart; rows 0..14 are probationary; one window over rows 40..49 (width 10).
    private static NabSeriesScores Series(params int[] detections) => Series("file.csv", 100, [(40, 49)], detections.ToDictionary(d => d, _ => 1.0));

    private static NabSeriesScores Series(string name, int rows, (int Start, int End)[] windows, Dictionary<int, double> scores)
    {
        var timestamps = Enumerable.Range(0, rows).Select(i => Start.AddMinutes(i)).ToArray();
        var values = Enumerable.Range(0, rows).Select(i => scores.GetValueOrDefault(i)).ToArray();
        return new NabSeriesScores(name, timestamps, values, windows.Select(w => new AnomalyWindow(timestamps[w.Start], timestamps[w.End])).ToArray());
    }

    [Fact]
    public void ScaledSigmoid_AtWindowEdges_MatchesNab()
    {
        Assert.Equal(0.98661, NabScorer.ScaledSigmoid(-1), 5);
        Assert.Equal(0.0, NabScorer.ScaledSigmoid(0), 12);
        Assert.Equal(-0.98661, NabScorer.ScaledSigmoid(1), 5);
        Assert.Equal(-1.0, NabScorer.ScaledSigmoid(3));
    }

    [Fact]
    public void ProbationaryLength_IsFifteenPercentCappedAt750()
    {
        Assert.Equal(15, NabScorer.ProbationaryLength(100));
        Assert.Equal(750, NabScorer.ProbationaryLength(22_695));
    }

    [Fact]
    public void Score_DetectionAtWindowStart_IsPerfect()
    {
        var result = NabScorer.Score([Series(40)], NabProfile.Standard);

        Assert.Equal(1.0, result.RawScore, 9);
        Assert.Equal(-1.0, result.NullScore);
        Assert.Equal(1.0, result.PerfectScore);
        Assert.Equal(100.0, result.NormalisedScore, 9);
    }

    [Fact]
    public void Score_DetectionHalfwayIntoWindow_EarnsScaledSigmoidOfMinusHalf()
    {
        // Position -(49 - 45 + 1) / 10 = -0.5: (2σ(2.5) - 1) / (2σ(5) - 1) = 0.848284 / 0.986614 = 0.859793.
        var result = NabScorer.Score([Series(45)], NabProfile.Standard);

        Assert.Equal(0.859793, result.RawScore, 5);
        Assert.Equal(92.98965, result.NormalisedScore, 3);
    }

    [Fact]
    public void Score_OnlyTheEarliestDetectionInAWindowCounts()
    {
        var result = NabScorer.Score([Series(45, 46, 47)], NabProfile.Standard);

        Assert.Equal(0.859793, result.RawScore, 5);
        Assert.Equal(1, result.Files[0].DetectedWindows);
    }

    [Fact]
    public void Score_FalsePositiveFarFromAnyWindow_CostsAfp()
    {
        var result = NabScorer.Score([Series(20, 40)], NabProfile.Standard);

        Assert.Equal(1 - 0.11, result.RawScore, 9);
        Assert.Equal(1, result.Files[0].FalsePositives);
    }

    [Fact]
    public void ScoreAtThreshold_FalsePositiveJustAfterWindow_IsWeightedBySigmoid()
    {
        // Three rows past the right edge of a 10-wide window: position 3/9, weight 2σ(-5/3) - 1 = -0.682262, times A_FP 0.11;
        // the window itself is missed and costs A_FN.
        var file = NabScorer.ScoreAtThreshold(Series(52), NabProfile.Standard, 0.5);

        Assert.Equal(-1 - 0.682262 * 0.11, file.RawScore, 5);
    }

    [Fact]
    public void ScoreAtThreshold_DetectionInProbationaryPeriod_IsIgnored()
    {
        var file = NabScorer.ScoreAtThreshold(Series(5, 40), NabProfile.Standard, 0.5);

        Assert.Equal(0, file.FalsePositives);
        Assert.Equal(1.0, file.RawScore, 9);
    }

    [Fact]
    public void Score_MissedWindowUnderLowFnProfile_CostsTwo()
    {
        var result = NabScorer.Score([Series()], NabProfile.RewardLowFalseNegatives);

        Assert.Equal(-2.0, result.RawScore);
        Assert.Equal(0.0, result.NormalisedScore, 9);
    }

    [Fact]
    public void Score_ThresholdIsChosenOverAllFiles()
    {
        // File a: a true detection at 0.9. File b: a false positive at 0.95 and another at 0.5.
        // Threshold 0.95 would give -1 - 0.11 - 1, threshold 0.9 gives 0.859793 - 0.11 - 1, threshold 0.5 adds another -0.11.
        var a = Series("a.csv", 100, [(40, 49)], new() { [45] = 0.9 });
        var b = Series("b.csv", 100, [(60, 69)], new() { [20] = 0.95, [30] = 0.5 });

        var result = NabScorer.Score([a, b], NabProfile.Standard);

        Assert.Equal(0.9, result.Threshold);
        Assert.Equal(0.859793 - 0.11 - 1, result.RawScore, 5);
        Assert.Equal(100 * (0.859793 - 0.11 - 1 + 2) / 4, result.NormalisedScore, 3);
    }

    [Fact]
    public void Score_WindowStartNotInSeries_Throws()
    {
        var series = Series(40);
        var shifted = series with { Windows = [new AnomalyWindow(Start.AddSeconds(30), Start.AddMinutes(49))] };

        Assert.Throws<ArgumentException>(() => NabScorer.Score([shifted], NabProfile.Standard));
    }
}
