namespace Threadline.Prediction.Rul;

public class CmapssFileTests
{
    [Fact]
    public void Parse_RowsOfTwoUnits_GroupsCyclesByUnit()
    {
        string[] lines =
        [
            "1 1 -0.0007 -0.0004 100.0 518.67 641.82 1589.70  ",
            "1 2 0.0019 -0.0003 100.0 518.67 642.15 1591.82",
            "",
            "2 1 0.0 0.0 100.0 518.67 643.00 1600.00",
        ];

        var units = CmapssFile.Parse(lines);

        Assert.Equal(2, units.Count);
        Assert.Equal(2, units[0].Length);
        Assert.Equal(2, units[1].Unit);
        Assert.Equal([518.67, 642.15, 1591.82], units[0].Cycles[1].Sensors);
        Assert.Equal(100.0, units[0].Cycles[0].Settings[2]);
    }

    [Fact]
    public void Parse_FD001TrainingFile_HasHundredRunsToFailure()
    {
        var path = Path.Combine(SharedData.Root, "cmapss", "train_FD001.txt");
        Assert.True(File.Exists(path), $"the shared data should be at {path}");

        var units = CmapssFile.Parse(File.ReadLines(path).Take(1000));

        Assert.Equal(21, units[0].Cycles[0].Sensors.Length);
        Assert.Equal(192, units[0].Length);
    }
}
