namespace Threadline.Features.Demo;

/// <summary>
/// The design curve of a centrifugal pump at nominal speed: head H(Q) = H0 - (H0 - Hbep)(Q/Qbep)² in m (a quadratic through
/// the shut-off head and the best efficiency point), and wire-to-water efficiency η(Q) = ηbep · q(2 - q) with q = Q/Qbep
/// (zero at no flow, peak at the BEP). Flow in m³/h, head in m of water, efficiency as a ratio.
/// </summary>
public sealed record PumpCurve(double ShutOffHead, double BepFlow, double BepHead, double BepEfficiency)
{
    /// <summary>Asset ids of the demo pumps start with this (PLM family PUMP-4720).</summary>
    public const string FamilyPrefix = "PUMP-4720";

    /// <summary>Line-to-line supply voltage of the CP-4720's 11 kW motor, V.</summary>
    public const double NominalVoltage = 400;

    /// <summary>Motor power factor at load.</summary>
    public const double PowerFactor = 0.85;

    /// <summary>
    /// The CP-4720's design curve, 45 m³/h at 32 m, 40 m at shut-off; 0.63 wire-to-water at the BEP is about 0.70
    /// hydraulic times 0.90 motor. Its twin model document (cp-4720.twin-model.json) writes the same curve in its formulas.
    /// </summary>
    public static PumpCurve Cp4720 { get; } = new(ShutOffHead: 40, BepFlow: 45, BepHead: 32, BepEfficiency: 0.63);

    /// <summary>Density of water at 20 °C, kg/m³.</summary>
    public const double WaterDensity = 998.2;

    /// <summary>Standard gravity, m/s².</summary>
    public const double Gravity = 9.80665;

    public double Head(double flow) => ShutOffHead - (ShutOffHead - BepHead) * Math.Pow(flow / BepFlow, 2);

    public double Efficiency(double flow)
    {
        var q = flow / BepFlow;
        return Math.Max(0, BepEfficiency * q * (2 - q));
    }

    /// <summary>Head in m of water of a pressure rise in bar.</summary>
    public static double HeadOf(double pressureRiseBar) => pressureRiseBar * 1e5 / (WaterDensity * Gravity);

    /// <summary>Pressure rise in bar of a head in m of water.</summary>
    public static double PressureOf(double headMetres) => headMetres * WaterDensity * Gravity / 1e5;

    /// <summary>Hydraulic power ρ g Q H in kW, flow in m³/h and head in m.</summary>
    public static double HydraulicPower(double flow, double head) => WaterDensity * Gravity * (flow / 3600) * head / 1000;

    /// <summary>Electrical power of a three-phase motor √3 · V · I · cos φ in kW (V line-to-line, I in A).</summary>
    public static double ElectricalPower(double volts, double amps, double powerFactor) => Math.Sqrt(3) * volts * amps * powerFactor / 1000;
}
