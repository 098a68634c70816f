using Threadline.Plm;

namespace Threadline.Events;

public class LimitRuleTests
{
    private static readonly DesignLimit Warning = new("vibration", null, 2.8, "mm/s", LimitSeverity.Warning);
    private static readonly DesignLimit Critical = new("vibration", null, 4.5, "mm/s", LimitSeverity.Critical);
    private static readonly DesignLimit[] Limits = [Warning, Critical];

    private static List<LimitStep> Run(double deadband, int onDelay, params double[] values)
    {
        var band = default(LimitBand);
        var steps = new List<LimitStep>();
        foreach (var value in values)
        {
            (band, var step) = LimitRule.Judge(Limits, value, band, deadband, onDelay);
            if (step is not null)
            {
                steps.Add(step);
            }
        }
        return steps;
    }

    [Fact]
    public void Judge_EnteringChangingAndLeavingBands_RaisesChangesAndClears()
    {
        var steps = Run(0, 1, 1.0, 3.0, 5.0, 3.0, 1.0);

        Assert.Equal([AssetEventKind.AlertRaised, AssetEventKind.AlertChanged, AssetEventKind.AlertChanged, AssetEventKind.AlertCleared], steps.Select(s => s.Kind));
        Assert.Equal([Warning, Critical, Warning, null], steps.Select(s => s.Limit));
        Assert.Equal(LimitSeverity.Warning, steps[^1].Previous);
    }

    [Fact]
    public void Judge_ValueBackInsideByLessThanTheDeadband_StaysInTheBand()
    {
        Assert.Single(Run(0.2, 1, 3.0, 2.7, 2.9, 2.7));
        Assert.Equal(AssetEventKind.AlertCleared, Run(0.2, 1, 3.0, 2.5)[^1].Kind);
    }

    [Fact]
    public void Judge_OneSampleOutsideWithAnOnDelayOfTwo_IsNotYetABand()
    {
        Assert.Empty(Run(0, 2, 3.0, 1.0, 3.0, 1.0));
        Assert.Equal(LimitSeverity.Warning, Assert.Single(Run(0, 2, 3.0, 3.1)).Level);
    }

    [Fact]
    public void Judge_ValueAboveBothLimits_IsInTheMostSevereBandOnly()
    {
        var step = Assert.Single(Run(0, 1, 7.0));

        Assert.Equal((AssetEventKind.AlertRaised, Critical), (step.Kind, step.Limit));
    }
}
