using Threadline.Plm;
using Threadline.Twins;
using Xunit.Abstractions;

namespace Threadline.Features.Demo;

/// <summary>The twin runtime end to end without infrastructure: simulated telemetry through <see cref="TwinEngine"/>.</summary>
public class SimulatedPumpTwinTests(ITestOutputHelper output)
{
    private static DateTimeOffset? FirstVibrationWarning(SimulatedTwin twin) =>
        twin.Of<LimitCrossed>()
            .FirstOrDefault(e => e.Alert.Signal == "bearing_vibration_x" && e.Alert.Severity >= LimitSeverity.Warning)?.At;

    [Fact]
    public void WornBearing_AgainstRevisionDsLimits_WarnsWeeksEarlierThanAgainstCs()
    {
        var pump = PumpSimulator.Create(11, "SN00341", "D", PumpProfile.WornBearing);

        var (twins, _) = SimulatedPump.Run(pump, 80, [DemoPumpModels.ModelC, DemoPumpModels.ModelD]);

        var c = FirstVibrationWarning(twins[0]);
        var d = FirstVibrationWarning(twins[1]);
        output.WriteLine($"first vibration warning: revision C {c:yyyy-MM-dd HH:mm}, revision D {d:yyyy-MM-dd HH:mm}");
        Assert.NotNull(c);
        Assert.NotNull(d);
        Assert.True(c - d > TimeSpan.FromDays(7), $"C {c}, D {d}");
        var alert = twins[1].Of<LimitCrossed>().First(e => e.At == d).Alert;
        Assert.Equal((DemoPumpFamily.Pump, "D", 2.8), (alert.Item, alert.Revision, alert.Limit?.Max));
    }

    [Fact]
    public void WornBearing_RulShrinksAsWearGrows()
    {
        var pump = PumpSimulator.Create(11, "SN00341", "D", PumpProfile.WornBearing);
        var rul = new List<(int Day, double Wear, double? C, double? D)>();

        SimulatedPump.Run(pump, 40, [DemoPumpModels.ModelC, DemoPumpModels.ModelD], (day, twins) =>
        {
            if (day % 5 == 0)
            {
                rul.Add((day, pump.Last.BearingWear, twins[0].State.Rul.Days, twins[1].State.Rul.Days));
            }
        });

        foreach (var r in rul)
        {
            output.WriteLine($"day {r.Day}: wear {r.Wear:0.00}, RUL against C {r.C:0.0} d, against D {r.D:0.0} d");
        }
        var estimated = rul.Where(r => r.Day >= 10).ToList();
        Assert.All(estimated, r => Assert.True(r.C > r.D, $"day {r.Day}"));
        Assert.All(estimated.Zip(estimated.Skip(1)), p =>
        {
            Assert.True(p.Second.D < p.First.D, $"D: day {p.First.Day} {p.First.D} → day {p.Second.Day} {p.Second.D}");
            Assert.True(p.Second.C < p.First.C, $"C: day {p.First.Day} {p.First.C} → day {p.Second.Day} {p.Second.C}");
        });
    }

    [Fact]
    public void HealthyPump_RaisesNoLimitAlertAndKeepsItsHealth()
    {
        var pump = PumpSimulator.Create(12, "SN00400", "D", PumpProfile.Healthy);

        var (twins, _) = SimulatedPump.Run(pump, 21, [DemoPumpModels.ModelD]);

        var twin = twins[0];
        Assert.Empty(twin.Of<LimitCrossed>());
        Assert.Empty(twin.Of<CorrelationRuleFired>());
        Assert.InRange(twin.State.Health!.Value, 0.9, 1.0);
        Assert.InRange(twin.State.Starts, 20, 21);
        Assert.InRange(twin.State.RunningHours, 21 * 16, 21 * 18);
        output.WriteLine($"anomalies in three weeks: {twin.Of<AnomalyDetected>().Count()}");
    }

    [Fact]
    public void ThinSuctionOnRevisionC_CavitatesAtPeakFlowWhereRevisionDsImpellerDoesNot()
    {
        var c = SimulatedPump.Run(PumpSimulator.Create(13, "SN00341", "C", PumpProfile.ThinSuction), 7, [DemoPumpModels.ModelC]).Twins[0];
        var d = SimulatedPump.Run(PumpSimulator.Create(13, "SN00400", "D", PumpProfile.ThinSuction), 7, [DemoPumpModels.ModelD]).Twins[0];

        Assert.Contains(c.Of<LimitCrossed>(), e => e.Alert.Signal == "inlet_pressure_margin" && e.Alert.Severity == LimitSeverity.Critical);
        Assert.Contains(c.Of<HealthChanged>(), h => h.FailureModes.Single(m => m.Id == "cavitation-erosion").Probability > 0.5);
        Assert.DoesNotContain(d.Of<LimitCrossed>(), e => e.Alert.Signal == "inlet_pressure_margin");
        Assert.All(d.Of<HealthChanged>(), h => Assert.True(h.FailureModes.Single(m => m.Id == "cavitation-erosion").Probability < 0.5));
    }

    [Fact]
    public void SameSeed_GivesTheSameTwinStateAndEvents()
    {
        SimulatedTwin Once() => SimulatedPump.Run(PumpSimulator.Create(21, "SN00341", "D", PumpProfile.WornBearing), 10, [DemoPumpModels.ModelD]).Twins[0];

        var a = Once();
        var b = Once();

        Assert.Equal(TwinStateJson.Serialize(a.State), TwinStateJson.Serialize(b.State));
        Assert.Equal(a.Events, b.Events, (x, y) => x.GetType() == y.GetType() && x.At == y.At);
    }
}
