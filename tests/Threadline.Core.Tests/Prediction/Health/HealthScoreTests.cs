namespace Threadline.Prediction.Health;

public class HealthScoreTests
{
    private static FailureModeAssessment Mode(string id, double p) => new(id, id, p, 1, 1, "act");

    [Fact]
    public void Combine_TwoModesAndHalfTheHorizon_MultipliesTheTerms()
    {
        // (1 - 0.5)(1 - 0.2) · 50/100 = 0.2.
        var health = HealthScore.Combine([Mode("a", 0.5), Mode("b", 0.2)], remainingUsefulLife: 50, horizon: 100);

        Assert.Equal(0.2, health.Score, 12);
        Assert.Equal(0.4, health.NoFailureProbability, 12);
        Assert.Equal("a", health.MostLikely?.Id);
    }

    [Fact]
    public void Combine_NoRul_UsesFailureModesOnly()
    {
        var health = HealthScore.Combine([Mode("a", 0.1)], remainingUsefulLife: null, horizon: 100);

        Assert.Equal(0.9, health.Score, 12);
        Assert.Null(health.LifeFraction);
    }

    [Fact]
    public void Combine_RulBeyondHorizon_DoesNotRaiseHealthAboveOne()
    {
        var health = HealthScore.Combine([], remainingUsefulLife: 400, horizon: 125);

        Assert.Equal(1.0, health.Score);
    }
}
