using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public class TwinViewTests
{
    [Fact]
    public void Of_RunningPumpWithAnAlert_ShowsStateDerivedAggregatesModesAndAlerts()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 1, vibration: 1.5);
        twin.Tick(TimeSpan.FromMinutes(10), at => Running(at, vibration: 3.2));
        twin.Tick(TimeSpan.FromMinutes(10), at => Running(at, vibration: 3.2));

        var view = TwinView.Of(twin.State, ModelD);

        Assert.Equal((AssetD, Pump, "D"), (view.AssetId, view.Item, view.Revision));
        Assert.Equal(3.2, view.State["bearing_vibration_x"]);
        Assert.Equal(45, view.State["flow"]);
        Assert.Equal(32, view.Derived["head"], 6);
        Assert.Equal(3.2, view.SevenDayPeak["bearing_vibration_x"], 5);
        Assert.InRange(view.SevenDayMean["bearing_vibration_x"], 1.5, 3.2);
        Assert.Equal(3, view.FailureModes.Count);
        Assert.Equal("bearing-wear", view.FailureModes[0].Id);
        Assert.StartsWith("Plan LAB-BRG-DE", view.FailureModes[0].RecommendedAction, StringComparison.Ordinal);
        Assert.Single(view.Alerts, a => a.Key == "limit:bearing_vibration_x");
        Assert.Equal(twin.State.Health, view.Health);
        Assert.True(view.RunningHours > 1);
    }
}
