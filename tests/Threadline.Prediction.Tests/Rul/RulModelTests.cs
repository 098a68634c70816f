namespace Threadline.Prediction.Rul;

public class RulModelTests
{
    private static readonly RulModelOptions Small = new() { Trees = 80, Leaves = 8, LearningRate = 0.1, Folds = 2, EnsembleSize = 2 };

    [Fact]
    public void Train_OnSyntheticDegradation_PredictsHeldOutUnitsWithinTenCycles()
    {
        var model = RulModel.Train(SyntheticFleet.Runs(24, seed: 1), Small);
        var test = SyntheticFleet.Runs(10, seed: 2);
        var random = new Random(3);
        var predicted = new List<double>();
        var actual = new List<double>();
        foreach (var unit in test)
        {
            var seen = random.Next(unit.Length / 2, unit.Length);
            predicted.Add(model.Predict(unit.Prefix(seen)).Rul);
            actual.Add(Math.Min(125, unit.Length - seen));
        }

        Assert.True(RulScoring.Rmse(predicted, actual) < 10, $"RMSE {RulScoring.Rmse(predicted, actual):F1}");
    }

    [Fact]
    public void Predict_Interval_ContainsThePointEstimate()
    {
        var model = RulModel.Train(SyntheticFleet.Runs(12, seed: 4), Small);
        var unit = SyntheticFleet.Runs(1, seed: 5)[0];

        var prediction = model.Predict(unit.Prefix(unit.Length - 30));

        Assert.InRange(prediction.Rul, prediction.Lower, prediction.Upper);
        Assert.True(prediction.Upper > prediction.Lower);
        Assert.True(prediction.Lower >= 0);
    }

    [Fact]
    public void Train_FlatSensor_IsNotRead()
    {
        var model = RulModel.Train(SyntheticFleet.Runs(6, seed: 6), Small with { Folds = 0 });

        Assert.Equal([0, 1, 2, 3], model.Sensors);
    }

    [Fact]
    public void Train_SameDataAndSeed_GivesSamePredictions()
    {
        var runs = SyntheticFleet.Runs(8, seed: 7);
        var unit = SyntheticFleet.Runs(1, seed: 8)[0].Prefix(60);

        var first = RulModel.Train(runs, Small with { Folds = 0 }).Predict(unit);
        var second = RulModel.Train(runs, Small with { Folds = 0 }).Predict(unit);

        Assert.Equal(first, second);
    }
}
