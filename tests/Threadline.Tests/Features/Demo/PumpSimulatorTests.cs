using Threadline.Twins;

namespace Threadline.Features.Demo;

public class PumpSimulatorTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(10);

    private static readonly PumpProfile Steady = new()
    {
        StopsAtNight = false,
        DemandFlow = 45,
        DemandSwing = 0,
        DemandDrift = 0,
        Noise = 0,
        InitialBearingWear = 0,
        BearingWearPerDay = 0,
    };

    /// <summary>Runs a pump for some hours and returns its samples.</summary>
    private static List<PumpSample> Run(PumpSimulator pump, double hours)
    {
        var samples = new List<PumpSample>();
        var at = DemoPumpModels.T0;
        for (var i = 0; i < hours * 6; i++)
        {
            at += Step;
            samples.Add(pump.Advance(at, Step));
        }
        return samples;
    }

    [Fact]
    public void Advance_AtTheBepFlow_SitsOnTheDesignCurve()
    {
        var pump = PumpSimulator.Create(1, "SN00341", "D", Steady);

        var s = Run(pump, 1)[^1];

        Assert.Equal(45, s.Flow, 9);
        Assert.Equal(32, s.Head, 9);
        Assert.Equal(PumpCurve.PressureOf(32), s.DischargePressure - s.SuctionPressure, 9);
        Assert.Equal(0, s.Cavitation);
        var electrical = PumpCurve.ElectricalPower(PumpCurve.NominalVoltage, s.MotorCurrent, PumpCurve.PowerFactor);
        Assert.Equal(0.63, PumpCurve.HydraulicPower(45, 32) / electrical, 9);
    }

    [Fact]
    public void Step_SameSeed_GivesTheSameTelemetry()
    {
        var a = PumpSimulator.Create(42, "SN00341", "C", PumpProfile.WornBearing);
        var b = PumpSimulator.Create(42, "SN00341", "C", PumpProfile.WornBearing);
        var at = DemoPumpModels.T0;

        for (var i = 0; i < 500; i++)
        {
            at += Step;
            Assert.Equal(a.Step(at, Step), b.Step(at, Step));
        }
    }

    [Fact]
    public void Step_EverySignalOfTheTwin_IsReportedInItsUnit()
    {
        var pump = PumpSimulator.Create(1, "SN00341", "D", PumpProfile.Healthy);

        var points = pump.Step(DemoPumpModels.T0.AddHours(12), Step);

        Assert.Equal("PUMP-4720-SN00341-R04", pump.AssetId);
        Assert.Equal(
            DemoPumpFamily.TwinModel.Signals.Select(s => (s.Name, s.Unit)).Order(),
            points.Select(p => (p.Signal, p.Unit!)).Order());
        Assert.All(points, p => Assert.Equal(DemoPumpModels.T0.AddHours(12), p.Timestamp));
    }

    [Fact]
    public void Advance_ThinSuctionAtPeakFlow_Cavitates()
    {
        var thin = PumpSimulator.Create(1, "SN00341", "C", Steady with { SuctionPressure = -0.45, DemandFlow = 48 });
        var flooded = PumpSimulator.Create(1, "SN00341", "C", Steady with { DemandFlow = 48 });

        var cavitating = Run(thin, 2)[^1];
        var normal = Run(flooded, 2)[^1];

        Assert.True(cavitating.InletMargin < 0.8, $"margin {cavitating.InletMargin} m");
        Assert.True(cavitating.Cavitation > 0.3);
        Assert.True(cavitating.Vibration > normal.Vibration + 1);
        Assert.True(cavitating.Flow < 48 && cavitating.Head < PumpCurve.Cp4720.Head(cavitating.Flow));
        Assert.Equal(0, normal.Cavitation);
    }

    [Fact]
    public void NpshRequired_RevisionDsImpeller_NeedsLessAndRisesWithFlow()
    {
        Assert.True(PumpSimulator.NpshRequired("D", 45) < PumpSimulator.NpshRequired("C", 45) - 1);
        Assert.True(PumpSimulator.NpshRequired("C", 55) > PumpSimulator.NpshRequired("C", 45));

        var c = Run(PumpSimulator.Create(1, "SN00341", "C", Steady with { SuctionPressure = -0.45 }), 2)[^1];
        var d = Run(PumpSimulator.Create(1, "SN00341", "D", Steady with { SuctionPressure = -0.45 }), 2)[^1];
        Assert.True(d.Cavitation < c.Cavitation);
    }

    [Fact]
    public void Advance_WornBearing_RaisesVibrationWeekByWeekAndTemperatureLater()
    {
        var pump = PumpSimulator.Create(9, "SN00341", "C", PumpProfile.WornBearing);
        var samples = Run(pump, 24 * 56).Where(s => s.Running).ToList();

        var weeks = samples.GroupBy(s => (int)((s.At - DemoPumpModels.T0).TotalDays / 7)).OrderBy(g => g.Key).ToList();
        var vibration = weeks.Select(w => w.Average(s => s.Vibration)).ToList();
        var temperature = weeks.Select(w => w.Average(s => s.BearingTemperature)).ToList();

        Assert.Equal(8, weeks.Count);
        Assert.All(vibration.Zip(vibration.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"{pair.First} → {pair.Second}"));
        // Heat follows vibration: the first weeks barely warm the bearing, the last ones do.
        Assert.True(temperature[1] - temperature[0] < 1);
        Assert.True(temperature[^1] - temperature[^2] > 1);
    }

    [Fact]
    public void Advance_DailyDemand_StartsInTheMorningAndStopsAtNight()
    {
        var pump = PumpSimulator.Create(4, "SN00341", "D", PumpProfile.Healthy);
        var samples = Run(pump, 72);

        var starts = samples.Zip(samples.Skip(1)).Count(p => !p.First.Running && p.Second.Running);
        var stops = samples.Zip(samples.Skip(1)).Count(p => p.First.Running && !p.Second.Running);

        Assert.Equal((3, 3), (starts, stops));
        Assert.All(samples.Where(s => s.Running), s => Assert.InRange(s.At.Hour, 4, 22));
        Assert.All(samples.Where(s => !s.Running), s => Assert.Equal(0, s.Flow));
    }

    [Fact]
    public void Advance_WearingSeal_LeaksPastTwoMillilitresAnHour()
    {
        var pump = PumpSimulator.Create(2, "SN00341", "D", PumpProfile.LeakySeal);

        var samples = Run(pump, 24 * 30).Where(s => s.Running).ToList();

        Assert.True(samples[0].SealLeakage < 2);
        Assert.True(samples[^1].SealLeakage > 2);
        Assert.True(samples[^1].SealTemperature > samples[0].SealTemperature);
    }
}
