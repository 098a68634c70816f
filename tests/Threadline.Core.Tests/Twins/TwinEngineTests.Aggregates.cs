using Threadline.Events;
using Threadline.Telemetry;
using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public partial class TwinEngineTests
{
    [Fact]
    public void Apply_RunStopRun_CountsHoursStartsAndStops()
    {
        var twin = new TwinDriver(ModelD);

        twin.Send([Point("speed", 1460, T0)]);
        twin.Send([Point("speed", 1460, T0.AddHours(1))]);
        twin.Send([Point("speed", 0, T0.AddHours(2))]);
        twin.Send([Point("speed", 0, T0.AddHours(5))]);
        twin.Send([Point("speed", 1460, T0.AddHours(6))]);
        twin.Send([Point("speed", 1460, T0.AddHours(6.5))]);

        // The first reading only tells the state; it is neither a start nor a stop.
        Assert.Equal((1, 1), (twin.State.Starts, twin.State.Stops));
        Assert.Equal(2.5, twin.State.RunningHours, 9);
        Assert.Equal([typeof(UnitStopped), typeof(UnitStarted)], twin.Events.Select(e => e.GetType()));
        Assert.Equal(2, Assert.Single(twin.Of<UnitStopped>()).RunningHours, 9);
        Assert.Equal(T0.AddHours(6), twin.State.RunningSince);
    }

    [Fact]
    public void Apply_FlowWithoutSpeed_AlsoTellsTheUnitRuns()
    {
        var twin = new TwinDriver(ModelD);

        twin.Send([Point("flow", 40, T0)]);

        Assert.True(twin.State.Running);
    }

    [Fact]
    public void Apply_LateSample_JoinsItsDayButDoesNotMoveTheOperatingPoint()
    {
        var twin = RunningPump(ModelD);
        var latest = twin.Signal("bearing_vibration_x");

        var events = twin.Send([Point("bearing_vibration_x", 9.0, twin.At.AddMinutes(-25))]);

        Assert.Empty(events);
        var signal = twin.Signal("bearing_vibration_x");
        Assert.Equal((latest.Value, latest.At, latest.Level, latest.Z), (signal.Value, signal.At, signal.Level, signal.Z));
        Assert.Equal(9.0f, signal.Days[^1].Max);
        Assert.Equal(latest.Days[^1].Count + 1, signal.Days[^1].Count);
        Assert.Equal(latest.Baseline, signal.Baseline);
    }

    [Fact]
    public void Apply_RepeatOfTheLatestSample_ChangesNothing()
    {
        var twin = RunningPump(ModelD);
        var before = twin.State;

        var (after, events) = TwinEngine.Apply(before, ModelD, Point("bearing_vibration_x", before.Signal("bearing_vibration_x")!.Value!.Value, twin.At));

        Assert.Same(before, after);
        Assert.Empty(events);
    }

    [Fact]
    public void Apply_BadQualityOrUndeclaredSignalOrNaN_IsIgnored()
    {
        var twin = RunningPump(ModelD);
        var before = twin.State;
        var later = twin.At.AddMinutes(1);

        Assert.Same(before, TwinEngine.Apply(before, ModelD, Point("bearing_vibration_x", 50, later, quality: TelemetryQuality.Bad)).State);
        Assert.Same(before, TwinEngine.Apply(before, ModelD, Point("oil_level", 50, later)).State);
        Assert.Same(before, TwinEngine.Apply(before, ModelD, Point("bearing_vibration_x", double.NaN, later)).State);
    }

    [Fact]
    public void Apply_SampleOfAnotherAsset_IsRefused()
    {
        var state = TwinState.Create(ModelD, AssetD);

        Assert.Throws<ArgumentException>(() => TwinEngine.Apply(state, ModelD, Point("flow", 40, T0, asset: AssetC)));
    }

    [Fact]
    public void Apply_StateOfAnotherRevision_MustBeReboundFirst()
    {
        var twin = RunningPump(ModelC, AssetD);
        twin.Tick(TenMinutes, at => Running(at, margin: 0.9));
        twin.Tick(TenMinutes, at => Running(at, margin: 0.9));
        Assert.Contains(twin.State.Alerts, a => a.Key == "limit:inlet_pressure_margin");

        Assert.Throws<ArgumentException>(() => TwinEngine.Apply(twin.State, ModelD, Point("flow", 40, twin.At.AddMinutes(1))));

        var rebound = twin.State.Rebind(ModelD);
        Assert.Equal("D", rebound.Revision);
        Assert.DoesNotContain(rebound.Alerts, a => a.Kind == AlertKind.Limit);
        Assert.Equal(twin.Signal("bearing_vibration_x").Baseline, rebound.Signal("bearing_vibration_x")!.Baseline);
        var (_, events) = TwinEngine.Apply(rebound, ModelD, Point("inlet_pressure_margin", 0.9, twin.At.AddMinutes(1)));
        Assert.DoesNotContain(events, e => e is LimitCrossed);
    }

    [Fact]
    public void Apply_EightDaysOfSamples_KeepsSevenDailyBucketsWithPeakAndMean()
    {
        var twin = new TwinDriver(ModelD);

        for (var hour = 0; hour < 8 * 24; hour++)
        {
            var day = hour / 24;
            var vibration = 1.0 + day + (hour % 24 == 12 ? 0.5 : 0);
            twin.Send(Running(T0.AddHours(hour), vibration: vibration));
        }

        var days = twin.Signal("bearing_vibration_x").Days;
        Assert.Equal(7, days.Length);
        Assert.Equal(Enumerable.Range(TwinEngine.DayOf(T0) + 1, 7), days.Select(d => d.Day));
        Assert.Equal(24, days[0].Count);
        Assert.Equal(2.5f, days[0].Max);
        Assert.Equal(2.0f, days[0].Min);
        Assert.Equal(2.0 + 0.5 / 24, days[0].Mean, 5);
    }

    [Fact]
    public void Rebind_SameRevision_KeepsLimitAlertsAndFitsTheModel()
    {
        var twin = RunningPump(ModelD);
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));
        twin.Tick(TenMinutes, at => Running(at, vibration: 3.0));

        var rebound = TwinStateJson.Deserialize(TwinStateJson.Serialize(twin.State)).Rebind(ModelD);

        Assert.True(rebound.FitsModel(ModelD));
        Assert.False(rebound.FitsModel(ModelC));
        Assert.Single(rebound.Alerts, a => a.Key == "limit:bearing_vibration_x");
        Assert.Equal(Plm.LimitSeverity.Warning, rebound.Signal("bearing_vibration_x")!.Level);
    }
}
