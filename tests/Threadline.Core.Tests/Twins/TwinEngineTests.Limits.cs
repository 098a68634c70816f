using Threadline.Events;
using Threadline.Plm;
using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public partial class TwinEngineTests
{
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    private static TwinDriver RunningPump(TwinModel model, string asset = AssetD)
    {
        var twin = new TwinDriver(model, asset);
        twin.Learn(hours: 1);
        return twin;
    }

    [Fact]
    public void Apply_VibrationAboveDsWarningForTwoSamples_RaisesLimitAlertWithPlmContext()
    {
        var twin = RunningPump(ModelD);

        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));
        var events = twin.Tick(TenMinutes, at => Running(at, vibration: 3.1));

        var crossed = Assert.Single(events.OfType<LimitCrossed>());
        var alert = crossed.Alert;
        Assert.Null(crossed.Previous);
        Assert.Equal(("limit:bearing_vibration_x", AlertKind.Limit, LimitSeverity.Warning), (alert.Key, alert.Kind, alert.Severity));
        Assert.Equal((Pump, "D"), (alert.Item, alert.Revision));
        Assert.Equal(new DesignLimit("bearing_vibration_x", null, 2.8, "mm/s", LimitSeverity.Warning), alert.Limit);
        Assert.Equal(3.1, alert.Value);
        Assert.Equal(twin.At, alert.At);
        var evidence = Assert.Single(alert.Evidence);
        Assert.Equal(("bearing_vibration_x", 3.1, "mm/s"), (evidence.Signal, evidence.Value, evidence.Unit));
        Assert.Contains(alert, twin.State.Alerts);
        Assert.Equal(LimitSeverity.Warning, twin.Signal("bearing_vibration_x").Level);
    }

    [Fact]
    public void Apply_SameVibrationOnRevisionC_RaisesNothing()
    {
        var twin = RunningPump(ModelC, AssetD);

        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.1));

        Assert.Empty(twin.Of<LimitCrossed>());
        Assert.Null(twin.Signal("bearing_vibration_x").Level);
    }

    [Fact]
    public void Apply_OneSampleAboveTheLimit_IsNotYetAnAlert()
    {
        var twin = RunningPump(ModelD);

        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));
        twin.Tick(TenMinutes, at => Running(at, vibration: 1.5));

        Assert.Empty(twin.Of<LimitCrossed>());
    }

    [Fact]
    public void Apply_NoiseAroundTheLimit_DoesNotChatter()
    {
        var twin = RunningPump(ModelD);
        twin.Tick(TenMinutes, at => Running(at, vibration: 2.9));
        twin.Tick(TenMinutes, at => Running(at, vibration: 2.9));

        for (var i = 0; i < 20; i++)
        {
            var value = i % 2 == 0 ? 2.7 : 2.9;
            twin.Tick(TenMinutes, at => Running(at, vibration: value));
        }

        Assert.Single(twin.Of<LimitCrossed>());
        Assert.DoesNotContain(twin.Of<AlertCleared>(), e => e.Alert.Kind == AlertKind.Limit);
    }

    [Fact]
    public void Apply_BackInsideByTheDeadband_ClearsTheAlert()
    {
        var twin = RunningPump(ModelD);
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));

        twin.Tick(TenMinutes, at => Running(at, vibration: 2.5));
        var events = twin.Tick(TenMinutes, at => Running(at, vibration: 2.5));

        var cleared = Assert.Single(events.OfType<AlertCleared>());
        Assert.Equal("limit:bearing_vibration_x", cleared.Alert.Key);
        Assert.Equal(2.5, cleared.Value);
        Assert.DoesNotContain(twin.State.Alerts, a => a.Kind == AlertKind.Limit);
        Assert.Null(twin.Signal("bearing_vibration_x").Level);
    }

    [Fact]
    public void Apply_WarningThenCritical_EscalatesTheSameAlert()
    {
        var twin = RunningPump(ModelD);
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));

        twin.Tick(TenMinutes, at => Running(at, vibration: 4.8));
        var events = twin.Tick(TenMinutes, at => Running(at, vibration: 4.8));

        var escalated = Assert.Single(events.OfType<LimitCrossed>());
        Assert.Equal(LimitSeverity.Warning, escalated.Previous);
        Assert.Equal(LimitSeverity.Critical, escalated.Alert.Severity);
        Assert.Equal(4.5, escalated.Alert.Limit?.Max);
        Assert.Single(twin.State.Alerts, a => a.Key == "limit:bearing_vibration_x");
    }

    [Fact]
    public void Apply_InletMarginBelowDsMinimum_RaisesALowLimitAlert()
    {
        var twin = RunningPump(ModelD);

        twin.Tick(TenMinutes, at => Running(at, margin: 0.7));
        twin.Tick(TenMinutes, at => Running(at, margin: 0.7));

        var alert = Assert.Single(twin.Of<LimitCrossed>()).Alert;
        Assert.Equal(0.8, alert.Limit?.Min);
        Assert.Contains("below 0.8 m", alert.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_StoppedPumpWithZeroFlow_RaisesNoLowFlowAlert()
    {
        var twin = RunningPump(ModelD);

        for (var i = 0; i < 6; i++)
        {
            twin.Tick(TenMinutes, at => [Point("flow", 0, at), Point("speed", 0, at), Point("motor_current", 0, at)]);
        }

        Assert.False(twin.State.Running);
        Assert.Empty(twin.Of<LimitCrossed>());
    }
}
