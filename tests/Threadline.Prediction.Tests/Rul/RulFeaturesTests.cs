namespace Threadline.Prediction.Rul;

public class RulFeaturesTests
{
    [Fact]
    public void ForEveryCycle_RowT_DoesNotDependOnLaterCycles()
    {
        var unit = SyntheticFleet.Runs(1, seed: 11)[0];
        var normaliser = OperatingConditionNormaliser.Fit([unit]);

        var full = RulFeatures.ForEveryCycle(unit, normaliser);
        var prefix = RulFeatures.ForEveryCycle(unit.Prefix(40), normaliser);

        Assert.Equal(prefix[39], full[39]);
        Assert.Equal(RulFeatures.Length(normaliser.KeptSensors.Count), full[0].Length);
    }

    [Fact]
    public void ForEveryCycle_LinearRamp_HasSlopeOfTheRamp()
    {
        // One sensor rising by exactly one standard deviation's worth per cycle gives a window slope of that rate.
        var cycles = Enumerable.Range(1, 40).Select(t => new CycleObservation(t, [0, 0, 100], [t, 7])).ToArray();
        var unit = new UnitHistory(1, cycles);
        var normaliser = OperatingConditionNormaliser.Fit([unit]);
        var sd = Math.Sqrt(Enumerable.Range(1, 40).Select(t => Math.Pow(t - 20.5, 2)).Sum() / 39);

        var last = RulFeatures.ForEveryCycle(unit, normaliser)[^1];

        // Layout per sensor: 2 smoothed, 4 means, then slopes over 10/20/30 cycles.
        Assert.Equal(1 / sd, last[6], 5);
        Assert.Equal(1 / sd, last[8], 5);
        Assert.Equal(40, last[^1]);
    }
}
