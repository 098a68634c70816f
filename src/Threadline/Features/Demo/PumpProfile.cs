namespace Threadline.Features.Demo;

/// <summary>
/// How one simulated CP-4720 unit is installed and how it ages. Wear is a state from 0 (new) to 1 (worn out); its rate is per
/// running day and grows with the wear already there. Pressures are gauge, in bar; flows in m³/h; times of day UTC.
/// </summary>
public sealed record PumpProfile
{
    /// <summary>Drive-end bearing wear at the start (default 0.05).</summary>
    public double InitialBearingWear { get; init; } = 0.05;

    /// <summary>Bearing wear added per running day at zero wear (default 0.002: decades to wear out).</summary>
    public double BearingWearPerDay { get; init; } = 0.002;

    /// <summary>Mechanical seal wear at the start (default 0).</summary>
    public double InitialSealWear { get; init; }

    /// <summary>Seal wear added per running day at zero wear (default 0.001).</summary>
    public double SealWearPerDay { get; init; } = 0.001;

    /// <summary>Static pressure at the suction flange with no flow, bar gauge (default 0.5: a flooded suction).</summary>
    public double SuctionPressure { get; init; } = 0.5;

    /// <summary>Mean flow demanded while running, m³/h (default 42).</summary>
    public double DemandFlow { get; init; } = 42;

    /// <summary>Amplitude of the daily demand swing, m³/h (default 6; peak in the afternoon).</summary>
    public double DemandSwing { get; init; } = 6;

    /// <summary>Standard deviation of the slow random drift of demand around the daily cycle, m³/h (default 1.5).</summary>
    public double DemandDrift { get; init; } = 1.5;

    /// <summary>Whether the unit stops every night (default true: starts about 05:00, stops about 22:00).</summary>
    public bool StopsAtNight { get; init; } = true;

    /// <summary>Scale of all sensor noise (default 1; 0 gives the physics alone).</summary>
    public double Noise { get; init; } = 1;

    public static PumpProfile Healthy { get; } = new();

    /// <summary>A bearing that went in damaged: vibration crosses 2.8 mm/s within weeks, 7.1 mm/s within about three months.</summary>
    public static PumpProfile WornBearing { get; } = new() { InitialBearingWear = 0.15, BearingWearPerDay = 0.008 };

    /// <summary>
    /// A suction lift that leaves little inlet margin at the afternoon peak: revision C's impeller cavitates above about
    /// 45 m³/h, revision D's reduced-NPSHr impeller keeps about 1 m of margin beyond 50 m³/h.
    /// </summary>
    public static PumpProfile ThinSuction { get; } = new() { SuctionPressure = -0.30 };

    /// <summary>A seal wearing out: leakage climbs past 2 mL/h within weeks.</summary>
    public static PumpProfile LeakySeal { get; } = new() { InitialSealWear = 0.2, SealWearPerDay = 0.01 };
}
