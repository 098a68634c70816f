namespace Threadline.Features.Telemetry;

/// <summary>Mergeable statistics: any split of the values merges to the statistics of the whole.</summary>
public sealed class RollupStatisticsTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1e9)]
    public void MergedParts_EqualTheWhole_EvenFarFromZero(double offset)
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 1000).Select(_ => offset + random.NextDouble()).ToList();
        var whole = Of(values);

        var merged = default(RollupStatistics);
        foreach (var part in values.Chunk(37).Reverse())
        {
            merged.Merge(Of(part));
        }

        var mean = values.Average();
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
        Assert.Equal(1000, merged.Count);
        Assert.Equal(values.Min(), merged.Min);
        Assert.Equal(values.Max(), merged.Max);
        Assert.Equal(mean, merged.Mean, 6);
        Assert.Equal(std, merged.StdDev, 6);
        Assert.Equal(whole.StdDev, merged.StdDev, 6);
    }

    [Fact]
    public void SingleValue_HasZeroStandardDeviation()
    {
        Assert.Equal(0, Of([42.0]).StdDev);
    }

    [Fact]
    public void MergingEmpty_ChangesNothing()
    {
        var stats = Of([1.0, 2.0]);

        stats.Merge(default);
        var empty = default(RollupStatistics);
        empty.Merge(stats);

        Assert.Equal((2L, 1.5), (stats.Count, stats.Mean));
        Assert.Equal((2L, 1.5, 0.5), (empty.Count, empty.Mean, empty.StdDev));
    }

    private static RollupStatistics Of(IEnumerable<double> values)
    {
        var stats = default(RollupStatistics);
        foreach (var value in values)
        {
            stats.Add(value);
        }
        return stats;
    }
}
