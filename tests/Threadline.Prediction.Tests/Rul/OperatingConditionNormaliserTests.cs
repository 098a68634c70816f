namespace Threadline.Prediction.Rul;

public class OperatingConditionNormaliserTests
{
    [Fact]
    public void Normalise_TwoConditionsWithDifferentLevels_GivesSameZScores()
    {
        // The same wear seen at sea level and at 42 kft reads 400 apart; per-condition statistics remove that.
        var low = new UnitHistory(1, Enumerable.Range(1, 20).Select(t => new CycleObservation(t, [0.001, 0.0002, 100], [100 + t])).ToArray());
        var high = new UnitHistory(2, Enumerable.Range(1, 20).Select(t => new CycleObservation(t, [42.003, 0.8401, 100], [500 + t])).ToArray());
        var normaliser = OperatingConditionNormaliser.Fit([low, high]);

        Assert.Equal(2, normaliser.ConditionCount);
        Assert.Equal(normaliser.Normalise(low.Cycles[5])[0], normaliser.Normalise(high.Cycles[5])[0], 9);
    }

    [Fact]
    public void Fit_SensorWithTwoValues_IsDropped()
    {
        var unit = new UnitHistory(1, Enumerable.Range(1, 20).Select(t => new CycleObservation(t, [0, 0, 100], [t, 21.60 + t % 2 * 0.01])).ToArray());

        var normaliser = OperatingConditionNormaliser.Fit([unit]);

        Assert.Equal([0], normaliser.KeptSensors);
    }
}
