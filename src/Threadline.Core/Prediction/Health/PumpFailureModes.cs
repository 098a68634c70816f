namespace Threadline.Prediction.Health;

/// <summary>
/// The declared failure modes of the demo pump (CP-4720, 45 m³/h at 32 m). Signals and units: bearing_vibration_x (mm/s RMS),
/// bearing_temperature (°C), inlet_pressure_margin (NPSH available minus required, m), flow (m³/h), seal_leakage (mL/h),
/// seal_temperature (°C). Healthy and failed points follow the pump's design limits (ISO 10816-3 zones for vibration).
/// </summary>
public static class PumpFailureModes
{
    /// <summary>Rolling-element wear shows first as vibration, then as heat.</summary>
    public static FailureModeSignature BearingWear { get; } = new(
        "bearing-wear",
        "Bearing wear",
        0.01,
        [
            new SignalEvidence("bearing_vibration_x", 2.8, 7.1, 0.9),
            new SignalEvidence("bearing_temperature", 70, 105, 0.6),
        ],
        "Plan LAB-BRG-DE (replace drive-end bearing) at the next stop; check lubrication and alignment before then.");

    /// <summary>Vapour bubbles collapse on the impeller when the inlet margin runs out, worse when flow runs past the design point.</summary>
    public static FailureModeSignature CavitationErosion { get; } = new(
        "cavitation-erosion",
        "Cavitation erosion",
        0.01,
        [
            new SignalEvidence("inlet_pressure_margin", 1.5, 0.3, 0.9),
            new SignalEvidence("flow", 45, 60, 0.5),
            new SignalEvidence("bearing_vibration_x", 2.8, 7.1, 0.2),
        ],
        "Raise suction head or throttle discharge back toward 45 m³/h; inspect the impeller for pitting (LAB-IMP) at the next stop.");

    /// <summary>A mechanical seal that wears or runs dry leaks and heats its faces.</summary>
    public static FailureModeSignature SealLeak { get; } = new(
        "seal-leak",
        "Mechanical seal leak",
        0.01,
        [
            new SignalEvidence("seal_leakage", 2, 20, 0.9),
            new SignalEvidence("seal_temperature", 60, 90, 0.5),
        ],
        "Plan LAB-SEAL (replace seal cartridge); check the seal flush and that the pump never runs dry.");

    /// <summary>All three.</summary>
    public static IReadOnlyList<FailureModeSignature> All { get; } = [BearingWear, CavitationErosion, SealLeak];
}
