using Threadline.Twins;
using Xunit.Abstractions;

namespace Threadline.Simulation;

public class ExploreTests(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        var sim = PumpSimulator.Create(7, "SN00341", "D", PumpProfile.WornBearing);
        var c = TwinState.Create(PumpRevisions.ModelC, sim.AssetId);
        var d = TwinState.Create(PumpRevisions.ModelD, sim.AssetId);
        var t = PumpRevisions.T0;
        var dt = TimeSpan.FromMinutes(10);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var n = 0;
        for (var i = 0; i < 144 * 100; i++)
        {
            t += dt;
            foreach (var p in sim.Step(t, dt))
            {
                n++;
                (c, var ec) = TwinEngine.Apply(c, PumpRevisions.ModelC, p);
                (d, var ed) = TwinEngine.Apply(d, PumpRevisions.ModelD, p);
                foreach (var e in ec.Where(e => e is not HealthChanged)) output.WriteLine($"C {e.GetType().Name} {e.At:MM-dd HH:mm} {(e as LimitCrossed)?.Alert.Message ?? (e as AnomalyDetected)?.Alert.Message ?? (e as CorrelationRuleFired)?.Alert.Message ?? (e as AlertCleared)?.Alert.Key}");
                foreach (var e in ed.Where(e => e is not HealthChanged and not UnitStarted and not UnitStopped)) output.WriteLine($"D {e.GetType().Name} {e.At:MM-dd HH:mm} {(e as LimitCrossed)?.Alert.Message ?? (e as AnomalyDetected)?.Alert.Message ?? (e as CorrelationRuleFired)?.Alert.Message ?? (e as AlertCleared)?.Alert.Key}");
            }
            if (i % (144 * 5) == 0)
            {
                var s = sim.Last;
                output.WriteLine($"day {i / 144} wear {s.BearingWear:0.00} vib {s.Vibration:0.00} temp {s.BearingTemperature:0.0} margin {s.InletMargin:0.00} I {s.MotorCurrent:0.0} | C health {c.Health:0.000} rul {c.Rul.Basis} {c.Rul.Days:0.0} [{c.Rul.Lower:0.0},{c.Rul.Upper:0.0}] | D health {d.Health:0.000} rul {d.Rul.Days:0.0} [{d.Rul.Lower:0.0},{d.Rul.Upper:0.0}] eff {string.Join(",", d.Derived.Select(x => x?.ToString("0.00")))} hrs {d.RunningHours:0} starts {d.Starts}");
            }
        }
        output.WriteLine($"{n} points x2 in {sw.ElapsedMilliseconds} ms");
        output.WriteLine(TwinStateJson.Serialize(d).Length.ToString(System.Globalization.CultureInfo.InvariantCulture)); output.WriteLine(TwinStateJson.Serialize(c));
    }
}
