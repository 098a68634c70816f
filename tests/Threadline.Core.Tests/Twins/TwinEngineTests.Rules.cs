using Threadline.Events;
using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public partial class TwinEngineTests
{
    [Fact]
    public void Apply_ThinMarginRoughBearingAndFallingFlow_FiresTheCavitationHypothesisWithEvidence()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8, flow: 50);

        double[] flows = [48, 46, 44, 43, 42];
        foreach (var flow in flows)
        {
            twin.Tick(TenMinutes, at => Running(at, flow: flow, vibration: 2.5, margin: 0.7));
        }

        var fired = Assert.Single(twin.Of<CorrelationRuleFired>());
        var alert = fired.Alert;
        Assert.Equal(("rule:cavitation", AlertKind.Correlation), (alert.Key, alert.Kind));
        Assert.Equal(["inlet_pressure_margin", "bearing_vibration_x", "flow"], alert.Evidence.Select(e => e.Signal));
        Assert.True(alert.Evidence[1].ZScore >= 3);
        Assert.True(alert.Evidence[2].Trend <= -1, $"flow trend {alert.Evidence[2].Trend} m³/h per hour");
        Assert.Equal(PumpRevisions.FailureMode("cavitation-erosion").RecommendedAction, alert.Action);
        Assert.Equal((Pump, "D"), (alert.Item, alert.Revision));
    }

    [Fact]
    public void Apply_ThinMarginWithSteadyFlow_IsNoCavitationHypothesis()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8, flow: 50);

        for (var i = 0; i < 5; i++)
        {
            twin.Tick(TenMinutes, at => Running(at, flow: 50, vibration: 2.5, margin: 0.7));
        }

        Assert.Empty(twin.Of<CorrelationRuleFired>());
    }

    [Fact]
    public void Apply_CavitationConditionsGone_ClearsTheHypothesisAfterTheDelay()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8, flow: 50);
        foreach (var flow in new double[] { 48, 46, 44, 43, 42 })
        {
            twin.Tick(TenMinutes, at => Running(at, flow: flow, vibration: 2.5, margin: 0.7));
        }

        twin.Tick(TenMinutes, at => Running(at, flow: 42, vibration: 1.5, margin: 3));
        twin.Tick(TenMinutes, at => Running(at, flow: 42, vibration: 1.5, margin: 3));
        Assert.DoesNotContain(twin.Of<AlertCleared>(), e => e.Alert.Kind == AlertKind.Correlation);
        twin.Tick(TenMinutes, at => Running(at, flow: 42, vibration: 1.5, margin: 3));

        Assert.Single(twin.Of<AlertCleared>(), e => e.Alert.Key == "rule:cavitation");
        Assert.DoesNotContain(twin.State.Alerts, a => a.Kind == AlertKind.Correlation);
    }

    [Fact]
    public void Apply_VibrationAndTemperatureRisingDayAfterDay_FiresTheBearingWearHypothesis()
    {
        var twin = new TwinDriver(ModelD);

        for (var hour = 0; hour < 6 * 24; hour++)
        {
            var days = hour / 24.0;
            twin.Send(Running(T0.AddHours(hour), vibration: 1.5 + 0.1 * days, temperature: 50 + 0.5 * days));
        }

        var alert = Assert.Single(twin.Of<CorrelationRuleFired>()).Alert;
        Assert.Equal("rule:bearing-wear", alert.Key);
        Assert.Equal(PumpRevisions.FailureMode("bearing-wear").RecommendedAction, alert.Action);
        // Three completed days are needed for a daily trend, and the rule holds three evaluations before firing.
        Assert.True(alert.At >= T0.AddDays(3), $"fired at {alert.At}");
    }

    [Fact]
    public void Apply_LeakingSealRunningHotterThanUsual_FiresTheSealDistressHypothesis()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8);

        // Leakage is the trigger and arrives before the seal temperature of the same instant, so the rule sees the
        // temperature's deviation from the second instant on and fires on the fourth.
        for (var i = 0; i < 3; i++)
        {
            twin.Tick(TenMinutes, at => Running(at, leakage: 3, sealTemperature: 47));
        }
        Assert.Empty(twin.Of<CorrelationRuleFired>());
        twin.Tick(TenMinutes, at => Running(at, leakage: 3, sealTemperature: 47));

        var alert = Assert.Single(twin.Of<CorrelationRuleFired>()).Alert;
        Assert.Equal("rule:seal-distress", alert.Key);
        Assert.Equal(["seal_leakage", "seal_temperature"], alert.Evidence.Select(e => e.Signal));
        Assert.True(alert.Evidence[1].ZScore >= 2);
    }
}
