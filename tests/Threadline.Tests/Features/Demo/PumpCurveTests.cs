namespace Threadline.Features.Demo;

public class PumpCurveTests
{
    private static readonly PumpCurve Curve = PumpCurve.Cp4720;

    [Fact]
    public void Head_AtBepAndShutOff_MatchesTheDatasheet()
    {
        Assert.Equal(32, Curve.Head(45), 9);
        Assert.Equal(40, Curve.Head(0), 9);
        Assert.True(Curve.Head(55) < 32);
    }

    [Fact]
    public void Efficiency_PeaksAtBep()
    {
        Assert.Equal(0.63, Curve.Efficiency(45), 9);
        Assert.True(Curve.Efficiency(30) < 0.63);
        Assert.True(Curve.Efficiency(60) < 0.63);
        Assert.Equal(0, Curve.Efficiency(0));
    }

    [Fact]
    public void HydraulicPower_BepFlowAndHead_IsRhoGQH()
    {
        // 998.2 kg/m³ · 9.80665 m/s² · 0.0125 m³/s · 32 m = 3915.6 W.
        Assert.Equal(3.9156, PumpCurve.HydraulicPower(45, 32), 4);
    }

    [Fact]
    public void HeadOf_PressureOf_AreInverse()
    {
        Assert.Equal(32, PumpCurve.HeadOf(PumpCurve.PressureOf(32)), 9);
        Assert.Equal(3.1325, PumpCurve.PressureOf(32), 4);
    }

    [Fact]
    public void ElectricalPower_ThreePhase_IsRootThreeVIcosPhi()
    {
        Assert.Equal(Math.Sqrt(3) * 400 * 10 * 0.85 / 1000, PumpCurve.ElectricalPower(400, 10, 0.85), 12);
    }
}
