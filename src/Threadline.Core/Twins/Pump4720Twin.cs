using Threadline.Plm;
using Threadline.Prediction.Health;

namespace Threadline.Twins;

/// <summary>
/// The twin family of the CP-4720 centrifugal pump (PLM family PUMP-4720): 45 m³/h at 32 m, 40 m at shut-off, 11 kW motor
/// on 400 V. Signals are the ones the pump's design limits and failure modes use; the pressure pair and the motor current
/// feed the derived hydraulic power and efficiency.
/// </summary>
public static class Pump4720Twin
{
    public const string FamilyPrefix = "PUMP-4720";

    /// <summary>Line-to-line supply voltage, V.</summary>
    public const double NominalVoltage = 400;

    /// <summary>Motor power factor at load.</summary>
    public const double PowerFactor = 0.85;

    /// <summary>The design curve; 0.63 wire-to-water at the BEP is about 0.70 hydraulic times 0.90 motor.</summary>
    public static PumpCurve Curve { get; } = new(ShutOffHead: 40, BepFlow: 45, BepHead: 32, BepEfficiency: 0.63);

    public static TwinFamilyModel Model { get; } = new(
        FamilyPrefix,
        "pump4720",
        "Centrifugal pump CP-4720",
        [
            new("bearing_vibration_x", "mm/s", "Drive-end bearing vibration velocity, RMS, horizontal", 0.2, 0.05),
            new("bearing_temperature", "°C", "Drive-end bearing temperature", 1.0, 0.5),
            new("inlet_pressure_margin", "m", "NPSH available minus NPSH required", 0.05, 0.05),
            new("flow", "m³/h", "Volume flow at discharge", 1.0, 0.3),
            new("discharge_pressure", "bar", "Discharge pressure, gauge", 0.05, 0.02),
            new("suction_pressure", "bar", "Suction pressure, gauge", 0.05, 0.02),
            new("motor_current", "A", "Motor phase current, RMS", 0.3, 0.1),
            new("speed", "rpm", "Shaft speed", 10, 2),
            new("seal_leakage", "mL/h", "Mechanical seal leakage", 0.5, 0.2),
            new("seal_temperature", "°C", "Mechanical seal face temperature", 1.0, 0.5),
        ],
        [
            new("head", "m", "Pump head from the pressure rise, H = Δp / (ρ g)",
                ["discharge_pressure", "suction_pressure"],
                v => v.TryGetValue("discharge_pressure", out var pd) && v.TryGetValue("suction_pressure", out var ps) ? PumpCurve.HeadOf(pd - ps) : null),
            new("hydraulic_power", "kW", "Hydraulic power ρ g Q H",
                ["flow", "discharge_pressure", "suction_pressure"],
                v => v.TryGetValue("flow", out var q) && v.TryGetValue("head", out var h) ? PumpCurve.HydraulicPower(Math.Max(0, q), Math.Max(0, h)) : null),
            new("electrical_power", "kW", "Motor input power √3 · V · I · cos φ at the nominal 400 V and cos φ 0.85",
                ["motor_current"],
                v => v.TryGetValue("motor_current", out var i) ? PumpCurve.ElectricalPower(NominalVoltage, Math.Max(0, i), PowerFactor) : null),
            new("efficiency", "ratio", "Wire-to-water efficiency: hydraulic power over electrical power",
                ["flow", "discharge_pressure", "suction_pressure", "motor_current"],
                v => v.TryGetValue("hydraulic_power", out var ph) && v.TryGetValue("electrical_power", out var pe) && pe > 0.1 ? ph / pe : null),
            new("efficiency_vs_curve", "ratio", "Efficiency over the design curve's efficiency at the same flow (1 = as designed)",
                ["flow", "discharge_pressure", "suction_pressure", "motor_current"],
                v => v.TryGetValue("efficiency", out var e) && v.TryGetValue("flow", out var q) && Curve.Efficiency(q) > 0.05 ? e / Curve.Efficiency(q) : null),
        ],
        [
            new("cavitation", "Cavitation: thin inlet margin, vibration above its own baseline and flow falling", LimitSeverity.Warning,
                [
                    new("inlet_pressure_margin", ConditionKind.Below, 1.0),
                    new("bearing_vibration_x", ConditionKind.Deviating, 3),
                    new("flow", ConditionKind.Falling, 1.0),
                ],
                PumpFailureModes.CavitationErosion.Id,
                PumpFailureModes.CavitationErosion.RecommendedAction),
            new("bearing-wear", "Bearing wear: vibration and bearing temperature both rising over the week", LimitSeverity.Warning,
                [
                    new("bearing_vibration_x", ConditionKind.RisingDaily, 0.03),
                    new("bearing_temperature", ConditionKind.RisingDaily, 0.1),
                ],
                PumpFailureModes.BearingWear.Id,
                PumpFailureModes.BearingWear.RecommendedAction),
            new("seal-distress", "Seal distress: leakage above 2 mL/h with the seal faces running hotter than usual", LimitSeverity.Warning,
                [
                    new("seal_leakage", ConditionKind.Above, 2),
                    new("seal_temperature", ConditionKind.Deviating, 2),
                ],
                PumpFailureModes.SealLeak.Id,
                PumpFailureModes.SealLeak.RecommendedAction),
        ],
        PumpFailureModes.All,
        // Bins around the duty point: stopped or trickling, part load, near BEP, overload.
        new OperatingBins("flow", [5, 25, 38, 52]),
        new RunningRule([("speed", 300), ("flow", 2)]),
        new RulRule("bearing_vibration_x", HorizonDays: 180),
        new TwinTuning())
    {
        // Positions in the CP-4720 structure: the drive-end bearing B1 in the bearing housing (20/10) carries the
        // vibration and temperature sensors; the seal cartridge (40) the leakage and face temperature; the impeller (30)
        // wears by cavitation, which no trend of its own measures.
        Components =
        [
            new("drive-end-bearing", "Drive-end bearing", ["20/10"], ["bearing_vibration_x", "bearing_temperature"], [PumpFailureModes.BearingWear.Id]),
            new("mechanical-seal", "Mechanical seal cartridge", ["40"], ["seal_leakage", "seal_temperature"], [PumpFailureModes.SealLeak.Id]),
            new("impeller", "Impeller", ["30"], [], [PumpFailureModes.CavitationErosion.Id]),
        ],
    };
}
