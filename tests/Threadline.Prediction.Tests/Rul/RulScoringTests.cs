namespace Threadline.Prediction.Rul;

public class RulScoringTests
{
    [Fact]
    public void Rmse_OfTwoErrors_IsRootOfMeanSquare()
    {
        // Errors -3 and +4: sqrt((9 + 16) / 2) = sqrt(12.5).
        var rmse = RulScoring.Rmse([10, 20], [13, 16]);

        Assert.Equal(3.5355339, rmse, 6);
    }

    [Fact]
    public void NasaScore_ThirteenEarlyAndTenLate_CostOneEMinusOneEach()
    {
        // d = -13 gives exp(13/13) - 1 and d = +10 gives exp(10/10) - 1; a perfect third unit adds nothing.
        var score = RulScoring.NasaScore([87, 110, 50], [100, 100, 50]);

        Assert.Equal(2 * (Math.E - 1), score, 9);
    }

    [Fact]
    public void NasaPenalty_LateCall_CostsMoreThanEarlyCallOfSameSize()
    {
        Assert.True(RulScoring.NasaPenalty(5) > RulScoring.NasaPenalty(-5));
        Assert.Equal(Math.Exp(0.5) - 1, RulScoring.NasaPenalty(5), 12);
        Assert.Equal(Math.Exp(5 / 13.0) - 1, RulScoring.NasaPenalty(-5), 12);
    }

    [Fact]
    public void Rmse_LengthsDiffer_Throws()
    {
        Assert.Throws<ArgumentException>(() => RulScoring.Rmse([1, 2], [1]));
    }
}
