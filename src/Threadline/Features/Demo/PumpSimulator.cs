using Threadline.Telemetry;

namespace Threadline.Features.Demo;

/// <summary>
/// The true physical state of a simulated pump at one instant (before sensor noise): operating point, wear, NPSH and the
/// cavitation intensity (0 none, 1 fully developed). Units as in the twin's signals; times are simulation UTC.
/// </summary>
public readonly record struct PumpSample(
    DateTimeOffset At,
    bool Running,
    double Flow,
    double Head,
    double SuctionPressure,
    double DischargePressure,
    double NpshAvailable,
    double NpshRequired,
    double Cavitation,
    double Vibration,
    double BearingTemperature,
    double MotorCurrent,
    double Speed,
    double SealLeakage,
    double SealTemperature,
    double BearingWear,
    double SealWear)
{
    /// <summary>NPSH available minus required, m.</summary>
    public double InletMargin => NpshAvailable - NpshRequired;
}

/// <summary>
/// A deterministic model of one CP-4720 pump over time: the same seed, serial, revision, profile and sequence of steps
/// always give the same telemetry. Physics: the design curve H(Q) (32 m at 45 m³/h, 40 m at shut-off) with the flow set
/// by the daily demand; NPSH required rising with the square of the flow (lower with revision D's reduced-NPSHr impeller)
/// against NPSH available from the suction pressure less pipe friction; cavitation when the margin falls below 0.8 m,
/// which breaks the head down, cuts the flow and shakes the bearing; bearing wear growing with running time and with
/// itself, raising vibration first and bearing temperature later; seal wear raising leakage and face temperature;
/// motor current from hydraulic power over the curve's efficiency (worse with wear); first-order thermal lags; Gaussian
/// sensor noise. Not thread-safe: one simulator per unit, stepped by one caller.
/// </summary>
public sealed class PumpSimulator
{
    private const double AmbientTemperature = 25;
    private const double AtmosphereBar = 1.01325;
    private const double VapourPressureBar = 0.0234;

    private readonly Random _noise;
    private readonly int _seed;
    private readonly PumpProfile _profile;
    private readonly string _revision;
    private double _bearingWear;
    private double _sealWear;
    private double _bearingTemperature = AmbientTemperature;
    private double _sealTemperature = AmbientTemperature;
    private double _demandDrift;
    private long _sequence;

    private PumpSimulator(int seed, string serial, string revision, PumpProfile profile, string assetId)
    {
        _seed = seed;
        _noise = new Random(seed);
        _profile = profile;
        _revision = revision;
        Serial = serial;
        AssetId = assetId;
        _bearingWear = profile.InitialBearingWear;
        _sealWear = profile.InitialSealWear;
    }

    public string Serial { get; }

    public string AssetId { get; }

    /// <summary>The latest true state, after the last <see cref="Advance"/>.</summary>
    public PumpSample Last { get; private set; }

    /// <summary>
    /// A simulator for one unit. The asset id defaults to the installed base's form, PUMP-4720-{serial}-R{nn} with nn the
    /// revision's position in the alphabet (C → R03).
    /// </summary>
    public static PumpSimulator Create(int seed, string serial, string revisionCode, PumpProfile profile, string? assetId = null)
    {
        var revision = revisionCode.Trim().ToUpperInvariant();
        var id = assetId ?? $"{PumpCurve.FamilyPrefix}-{serial}-R{revision[0] - 'A' + 1:00}";
        return new PumpSimulator(seed, serial, revision, profile, id);
    }

    /// <summary>NPSH required (3 % head drop), m, at a flow in m³/h: revision D's impeller needs about 1.3 m less at the BEP.</summary>
    public static double NpshRequired(string revisionCode, double flow)
    {
        var q = flow / PumpCurve.Cp4720.BepFlow;
        return string.Compare(revisionCode, "D", StringComparison.OrdinalIgnoreCase) >= 0 ? 1.6 + 1.6 * q * q : 2.2 + 2.3 * q * q;
    }

    /// <summary>Moves the unit from <paramref name="now"/> - <paramref name="dt"/> to <paramref name="now"/> and samples it.</summary>
    public PumpSample Advance(DateTimeOffset now, TimeSpan dt)
    {
        var curve = PumpCurve.Cp4720;
        var running = IsScheduled(now);
        var days = dt.TotalDays;

        // Demand drifts as an Ornstein-Uhlenbeck process (1 h memory) around the daily cycle.
        var keep = Math.Exp(-dt.TotalHours);
        _demandDrift = _demandDrift * keep + _profile.DemandDrift * Math.Sqrt(1 - keep * keep) * Gaussian();

        double flow = 0, head = 0, cavitation = 0, current = 0, speed = 0, leakage = 0;
        var suction = _profile.SuctionPressure;
        var npshr = NpshRequired(_revision, 0);
        var npsha = PumpCurve.HeadOf(AtmosphereBar + suction - VapourPressureBar);
        if (running)
        {
            var hour = now.UtcDateTime.TimeOfDay.TotalHours;
            var demand = Math.Max(8, _profile.DemandFlow + _profile.DemandSwing * Math.Sin(2 * Math.PI * (hour - 9) / 24) + _demandDrift);
            suction = _profile.SuctionPressure - 0.00008 * demand * demand;
            npsha = PumpCurve.HeadOf(AtmosphereBar + suction - VapourPressureBar);
            npshr = NpshRequired(_revision, demand);
            cavitation = Math.Clamp((0.8 - (npsha - npshr)) / 1.3, 0, 1);
            flow = demand * (1 - 0.10 * cavitation);
            head = curve.Head(flow) * (1 - 0.15 * cavitation);

            var efficiency = Math.Max(0.2, curve.Efficiency(flow) * (1 - 0.08 * _bearingWear - 0.05 * cavitation));
            var electrical = PumpCurve.HydraulicPower(flow, head) / efficiency;
            current = electrical * 1000 / (Math.Sqrt(3) * PumpCurve.NominalVoltage * PumpCurve.PowerFactor);
            speed = 1480 - 30 * electrical / 11;
            leakage = 0.3 + 25 * _sealWear * _sealWear;

            _bearingWear = Math.Min(1, _bearingWear + _profile.BearingWearPerDay * (1 + 1.5 * _bearingWear) * days);
            _sealWear = Math.Min(1, _sealWear + _profile.SealWearPerDay * (1 + _sealWear) * days);
        }

        var q = flow / curve.BepFlow;
        var vibration = running
            ? 1.1 + 0.8 * (q - 1) * (q - 1) + 7 * Math.Pow(_bearingWear, 1.5) + 3 * cavitation
            : 0.05;
        var bearingTarget = running ? AmbientTemperature + 16 + 4 * q + 80 * Math.Pow(Math.Max(0, _bearingWear - 0.3), 1.2) : AmbientTemperature;
        var sealTarget = running ? AmbientTemperature + 10 + 8 * q + 40 * _sealWear * _sealWear : AmbientTemperature;
        _bearingTemperature += (bearingTarget - _bearingTemperature) * (1 - Math.Exp(-dt.TotalMinutes / 25));
        _sealTemperature += (sealTarget - _sealTemperature) * (1 - Math.Exp(-dt.TotalMinutes / 20));

        Last = new PumpSample(
            now,
            running,
            flow,
            head,
            suction,
            suction + PumpCurve.PressureOf(head),
            npsha,
            npshr,
            cavitation,
            vibration,
            _bearingTemperature,
            current,
            speed,
            leakage,
            _sealTemperature,
            _bearingWear,
            _sealWear);
        return Last;
    }

    /// <summary>Advances the unit and returns what its sensors report at <paramref name="now"/>: one point per twin signal.</summary>
    public IReadOnlyList<TelemetryPoint> Step(DateTimeOffset now, TimeSpan dt)
    {
        var s = Advance(now, dt);
        var shake = 1 + s.BearingWear + 2 * s.Cavitation;
        return
        [
            Point("speed", "rpm", s.Speed + (s.Running ? Noise(2) : 0)),
            Point("flow", "m³/h", Math.Max(0, s.Flow + (s.Running ? Noise(0.3) : 0))),
            Point("suction_pressure", "bar", s.SuctionPressure + Noise(0.01)),
            Point("discharge_pressure", "bar", s.DischargePressure + Noise(0.01)),
            Point("inlet_pressure_margin", "m", s.InletMargin + Noise(0.05)),
            Point("motor_current", "A", Math.Max(0, s.MotorCurrent + (s.Running ? Noise(0.1) : 0))),
            Point("bearing_vibration_x", "mm/s", Math.Max(0.01, s.Vibration + Noise(0.06 * shake))),
            Point("bearing_temperature", "°C", s.BearingTemperature + Noise(0.2)),
            Point("seal_leakage", "mL/h", Math.Max(0, s.SealLeakage + (s.Running ? Noise(0.1) : 0))),
            Point("seal_temperature", "°C", s.SealTemperature + Noise(0.2)),
        ];
    }

    private bool IsScheduled(DateTimeOffset now)
    {
        if (!_profile.StopsAtNight)
        {
            return true;
        }

        // Start and stop times jitter by up to half an hour, drawn per day from the seed so they do not depend on the step.
        var day = DateOnly.FromDateTime(now.UtcDateTime).DayNumber;
        var jitter = new Random(unchecked(_seed * 7919 + day));
        var start = 5 + jitter.NextDouble() - 0.5;
        var stop = 22 + jitter.NextDouble() - 0.5;
        var hour = now.UtcDateTime.TimeOfDay.TotalHours;
        return hour >= start && hour < stop;
    }

    private TelemetryPoint Point(string signal, string unit, double value) =>
        new(AssetId, signal, Last.At, value, unit, TelemetryQuality.Good, "sim/" + Serial, ++_sequence);

    private double Noise(double sigma) => _profile.Noise * sigma * Gaussian();

    private double Gaussian()
    {
        // Box-Muller; 1 - NextDouble() keeps the logarithm away from zero.
        var u1 = 1 - _noise.NextDouble();
        var u2 = _noise.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
