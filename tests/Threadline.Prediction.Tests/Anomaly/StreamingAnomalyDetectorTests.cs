namespace Threadline.Prediction.Anomaly;

public class StreamingAnomalyDetectorTests
{
    private static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static double[] NoisySine(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => 10 * Math.Sin(i * 2 * Math.PI / 288) + random.NextDouble()).ToArray();
    }

    private static double[] Run(IReadOnlyList<double> values, AnomalyDetectorOptions? options = null)
    {
        var detector = new StreamingAnomalyDetector(options);
        return values.Select((v, i) => detector.Update(Start.AddMinutes(5 * i), v)).ToArray();
    }

    [Fact]
    public void Update_LaterPointsAppended_EarlierScoresUnchanged()
    {
        var values = NoisySine(1200, seed: 1);
        values[900] = 60;

        var prefix = Run(values[..800]);
        var full = Run(values);

        Assert.Equal(prefix, full[..800]);
    }

    [Fact]
    public void Update_SpikeAfterQuietHistory_ScoresFarAboveUsual()
    {
        var values = NoisySine(1200, seed: 2);
        values[1000] = 40;

        var scores = Run(values);
        var usual = scores[200..1000].Order().ElementAt(400);

        Assert.True(scores[1000] > 0.9, $"spike scored {scores[1000]:F3}");
        Assert.True(usual < 0.2, $"median scored {usual:F3}");
    }

    [Fact]
    public void Update_LevelShift_IsScoredAboveEveryPointBeforeIt()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 1500).Select(i => (i < 1000 ? 5.0 : 7.0) + random.NextDouble() * 0.5).ToArray();

        var scores = Run(values);

        Assert.True(scores[1000..1010].Max() > scores[200..1000].Max());
    }

    [Fact]
    public void Update_AnyInput_ScoresStayWithinZeroAndOne()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 3000).Select(_ => random.NextDouble() < 0.01 ? random.NextDouble() * 1e6 : random.NextDouble()).ToArray();

        var scores = Run(values);

        Assert.All(scores, s => Assert.InRange(s, 0.0, 1.0));
    }

    [Fact]
    public void Update_DuringWarmup_ScoresZero()
    {
        var scores = Run(NoisySine(100, seed: 5), new AnomalyDetectorOptions { Warmup = 100 });

        Assert.All(scores, s => Assert.Equal(0.0, s));
    }
}
