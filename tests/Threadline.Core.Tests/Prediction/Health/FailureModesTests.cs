namespace Threadline.Prediction.Health;

public class FailureModesTests
{
    [Fact]
    public void Severity_RisingAndFallingSignals_RampBetweenHealthyAndFailed()
    {
        var rising = new SignalEvidence("bearing_vibration_x", 2.8, 7.1, 1);
        var falling = new SignalEvidence("inlet_pressure_margin", 1.5, 0.3, 1);

        Assert.Equal(0.0, rising.Severity(1.0));
        Assert.Equal(0.5, rising.Severity(4.95), 9);
        Assert.Equal(1.0, rising.Severity(9.0));
        Assert.Equal(0.5, falling.Severity(0.9), 9);
        Assert.Equal(0.0, falling.Severity(2.0));
    }

    [Fact]
    public void Assess_NoReadings_IsThePrior()
    {
        var assessment = FailureModes.Assess(Twins.PumpRevisions.FailureMode("bearing-wear"), new Dictionary<string, double>());

        Assert.Equal(0.01, assessment.Probability, 12);
        Assert.Equal(0, assessment.SignalsRead);
    }

    [Fact]
    public void Assess_BearingHalfwayOnBothSignals_CombinesByNoisyOr()
    {
        // 1 - (1 - 0.01)(1 - 0.9·0.5)(1 - 0.6·0.5) = 1 - 0.99·0.55·0.7 = 0.61885.
        var readings = new Dictionary<string, double> { ["bearing_vibration_x"] = 4.95, ["bearing_temperature"] = 87.5 };

        var assessment = FailureModes.Assess(Twins.PumpRevisions.FailureMode("bearing-wear"), readings);

        Assert.Equal(0.61885, assessment.Probability, 9);
        Assert.Equal(2, assessment.SignalsRead);
    }

    [Fact]
    public void Assess_LowInletMargin_RanksCavitationFirstWithItsAction()
    {
        var readings = new Dictionary<string, double>
        {
            ["bearing_vibration_x"] = 3.0,
            ["bearing_temperature"] = 65,
            ["inlet_pressure_margin"] = 0.4,
            ["flow"] = 52,
            ["seal_leakage"] = 1,
            ["seal_temperature"] = 55,
        };

        var ranked = FailureModes.Assess(Twins.PumpRevisions.Family.FailureModes, readings);

        Assert.Equal("cavitation-erosion", ranked[0].Id);
        Assert.Contains("suction", ranked[0].RecommendedAction);
        Assert.True(ranked[0].Probability > 0.7);
        Assert.True(ranked[^1].Probability < 0.05);
    }
}
