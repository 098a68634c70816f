using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public class DerivedPropertyTests
{
    private static double? Derived(TwinState state, string name)
    {
        var index = PumpRevisions.Family.Derived.Select(d => d.Name).ToList().IndexOf(name);
        return state.Derived[index];
    }

    private static double CurrentFor(double electricalKw) =>
        electricalKw * 1000 / (Math.Sqrt(3) * PumpRevisions.NominalVoltage * PumpRevisions.PowerFactor);

    [Fact]
    public void Apply_PumpAtBepAsDesigned_EfficiencyMatchesTheCurve()
    {
        var hydraulic = PumpRevisions.HydraulicPower(45, 32);
        var points = Running(T0).Where(p => p.Signal != "motor_current").Append(Point("motor_current", CurrentFor(hydraulic / 0.63), T0));

        var (state, _) = Feed(TwinState.Create(ModelD, AssetD), ModelD, points);

        Assert.Equal(32, Derived(state, "head")!.Value, 6);
        Assert.Equal(hydraulic, Derived(state, "hydraulic_power")!.Value, 6);
        Assert.Equal(hydraulic / 0.63, Derived(state, "electrical_power")!.Value, 6);
        Assert.Equal(0.63, Derived(state, "efficiency")!.Value, 6);
        Assert.Equal(1.0, Derived(state, "efficiency_vs_curve")!.Value, 6);
    }

    [Fact]
    public void Apply_MoreCurrentForTheSameDuty_EfficiencyFallsBelowTheCurve()
    {
        var hydraulic = PumpRevisions.HydraulicPower(45, 32);
        var points = Running(T0).Where(p => p.Signal != "motor_current").Append(Point("motor_current", CurrentFor(hydraulic / 0.63) * 1.25, T0));

        var (state, _) = Feed(TwinState.Create(ModelD, AssetD), ModelD, points);

        Assert.Equal(0.8, Derived(state, "efficiency_vs_curve")!.Value, 6);
    }

    [Fact]
    public void Apply_NoCurrentReadYet_LeavesPowerAndEfficiencyUnknown()
    {
        var points = Running(T0).Where(p => p.Signal != "motor_current");

        var (state, _) = Feed(TwinState.Create(ModelD, AssetD), ModelD, points);

        Assert.NotNull(Derived(state, "hydraulic_power"));
        Assert.Null(Derived(state, "electrical_power"));
        Assert.Null(Derived(state, "efficiency"));
        Assert.Null(Derived(state, "efficiency_vs_curve"));
    }
}
