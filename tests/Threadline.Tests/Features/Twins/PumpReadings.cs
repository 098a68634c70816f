using Threadline.Telemetry;

namespace Threadline.Features.Twins;

/// <summary>Readings of a running demo pump (CP-4720) for twin tests: every signal of its model, vibration as given.</summary>
internal static class PumpReadings
{
    public static readonly (string Signal, double Value)[] RunningSignals =
    [
        ("speed", 1475), ("flow", 45), ("suction_pressure", 1.2), ("discharge_pressure", 4.3), ("motor_current", 19.5),
        ("bearing_temperature", 55), ("inlet_pressure_margin", 2.5), ("seal_leakage", 0.5), ("seal_temperature", 40),
    ];

    public static TwinReading[] Running(DateTimeOffset at, double vibration) =>
        [.. RunningSignals.Append((Signal: "bearing_vibration_x", Value: vibration))
            .Select(r => new TwinReading(r.Signal, at, r.Value, null, (int)TelemetryQuality.Good, "test", false))];
}
