using Threadline.Events;
using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public partial class TwinEngineTests
{
    [Fact]
    public void Apply_StepAwayFromLearnedBehaviour_RaisesAnAnomalyWithItsZScore()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8);

        twin.Tick(TenMinutes, at => Running(at, vibration: 2.2));
        var events = twin.Tick(TenMinutes, at => Running(at, vibration: 2.2));

        var alert = Assert.Single(events.OfType<AnomalyDetected>()).Alert;
        Assert.Equal(("anomaly:bearing_vibration_x", AlertKind.Anomaly), (alert.Key, alert.Kind));
        var evidence = Assert.Single(alert.Evidence);
        Assert.True(evidence.ZScore >= 4, $"z = {evidence.ZScore}");
        Assert.Equal(1.5, evidence.Baseline!.Value, 0.1);
        Assert.Empty(twin.Of<LimitCrossed>());
    }

    [Fact]
    public void Apply_BackToUsual_ClearsTheAnomaly()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8);
        twin.Tick(TenMinutes, at => Running(at, vibration: 2.2));
        twin.Tick(TenMinutes, at => Running(at, vibration: 2.2));

        twin.Tick(TenMinutes, at => Running(at, vibration: 1.5));
        twin.Tick(TenMinutes, at => Running(at, vibration: 1.5));

        Assert.Single(twin.Of<AlertCleared>(), e => e.Alert.Key == "anomaly:bearing_vibration_x");
        Assert.Empty(twin.State.Alerts);
    }

    [Fact]
    public void Apply_ValueUsualAtItsOwnOperatingPoint_IsNoAnomaly()
    {
        // Part load (30 m³/h) runs rougher than the duty point (45 m³/h) on this unit; each is judged against its own bin.
        var twin = new TwinDriver(ModelD);
        for (var i = 0; i < 48; i++)
        {
            twin.Learn(hours: 1.0 / 3, flow: 45, vibration: 1.5);
            twin.Learn(hours: 1.0 / 3, flow: 30, vibration: 2.2);
        }

        twin.Tick(TenMinutes, at => Running(at, flow: 30, vibration: 2.2));
        twin.Tick(TenMinutes, at => Running(at, flow: 30, vibration: 2.2));
        Assert.Empty(twin.Of<AnomalyDetected>());

        twin.Tick(TenMinutes, at => Running(at, flow: 45, vibration: 2.2));
        twin.Tick(TenMinutes, at => Running(at, flow: 45, vibration: 2.2));
        Assert.Single(twin.Of<AnomalyDetected>(), e => e.Alert.Signal == "bearing_vibration_x");
    }

    [Fact]
    public void Apply_DuringWarmUp_GivesNoZScore()
    {
        var twin = new TwinDriver(ModelD);

        twin.Learn(hours: 2 + 25 / 6.0);

        Assert.Null(twin.Signal("bearing_vibration_x").Z);
        twin.Learn(hours: 1);
        Assert.NotNull(twin.Signal("bearing_vibration_x").Z);
    }

    [Fact]
    public void Apply_DuringTheStartupGrace_BaselineNeitherScoresNorLearns()
    {
        var twin = new TwinDriver(ModelD);

        twin.Learn(hours: 1.5, vibration: 5);

        var signal = twin.Signal("bearing_vibration_x");
        Assert.Null(signal.Z);
        Assert.All(signal.Baseline, cell => Assert.Equal(0, cell.Count));
    }
}
