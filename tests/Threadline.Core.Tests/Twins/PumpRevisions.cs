using Threadline.Plm;
using Threadline.Telemetry;

namespace Threadline.Twins;

/// <summary>
/// The CP-4720 (10-4720-00) revisions C and D with the design limits the demo seeds: D's vibration limits are tighter
/// (2.8/4.5 mm/s against C's 4.5/7.1) and its inlet margin allowance wider thanks to the reduced-NPSHr impeller. The twin
/// model is the demo's document (src/Threadline/Features/Demo/cp-4720.twin-model.json), compiled as the server compiles it.
/// The physics helpers are the tests' own oracle for the document's formulas (water at 20 °C, 400 V, cos φ 0.85).
/// </summary>
internal static class PumpRevisions
{
    public const double NominalVoltage = 400;
    public const double PowerFactor = 0.85;
    private const double RhoG = 998.2 * 9.80665;

    public static TwinModelDocument Document { get; } = TwinModelJson.Parse(ReadResource("cp-4720.twin-model.json"));

    public static TwinFamilyModel Family { get; } = TwinModels.TwinModelCompiler.Compile(Document, "Centrifugal pump CP-4720", "x10_4720_00");

    /// <summary>Revision D's model with the document's components replaced: for structures whose item numbers are not the demo's.</summary>
    public static TwinModel ModelDWithComponents(params ComponentDeclaration[] components)
    {
        var document = new TwinModelDocument
        {
            DisplayName = Document.DisplayName, Signals = Document.Signals, Derived = Document.Derived, Running = Document.Running,
            OperatingBins = Document.OperatingBins, Rules = Document.Rules, FailureModes = Document.FailureModes, Rul = Document.Rul,
            Tuning = Document.Tuning, Components = components,
        };
        return TwinModel.For(TwinModels.TwinModelCompiler.Compile(document, "Centrifugal pump CP-4720", "x10_4720_00"), Pump, D);
    }

    public static Prediction.Health.FailureModeSignature FailureMode(string id) => Family.FailureModes.Single(m => m.Id == id);

    /// <summary>The CP-4720 design curve: 40 m at shut-off, 32 m at 45 m³/h.</summary>
    public static double Head(double flow) => 40 - 8 * Math.Pow(flow / 45, 2);

    public static double PressureOf(double head) => head * RhoG / 1e5;

    public static double HydraulicPower(double flow, double head) => RhoG * (flow / 3600) * head / 1000;

    public const string Pump = "10-4720-00";
    public const string AssetC = "PUMP-4720-SN00341-R03";
    public const string AssetD = "PUMP-4720-SN00341-R04";
    public static readonly DateTimeOffset T0 = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);

    public static ItemRevision C { get; } = Revision("C", new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero),
    [
        new("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Warning),
        new("bearing_vibration_x", null, 7.1, "mm/s", LimitSeverity.Critical),
        new("bearing_temperature", null, 90, "°C", LimitSeverity.Warning),
        new("bearing_temperature", null, 105, "°C", LimitSeverity.Critical),
        new("inlet_pressure_margin", 1.0, null, "m", LimitSeverity.Warning),
        new("inlet_pressure_margin", 0.5, null, "m", LimitSeverity.Critical),
        new("flow", 12, 60, "m³/h", LimitSeverity.Warning),
    ]);

    public static ItemRevision D { get; } = Revision("D", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero),
    [
        new("bearing_vibration_x", null, 2.8, "mm/s", LimitSeverity.Warning),
        new("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Critical),
        new("bearing_temperature", null, 90, "°C", LimitSeverity.Warning),
        new("bearing_temperature", null, 105, "°C", LimitSeverity.Critical),
        new("inlet_pressure_margin", 0.8, null, "m", LimitSeverity.Warning),
        new("inlet_pressure_margin", 0.4, null, "m", LimitSeverity.Critical),
        new("flow", 10, 60, "m³/h", LimitSeverity.Warning),
    ]);

    public static TwinModel ModelC { get; } = TwinModel.For(Family, Pump, C);

    public static TwinModel ModelD { get; } = TwinModel.For(Family, Pump, D);

    public static TelemetryPoint Point(string signal, double value, DateTimeOffset at, string asset = AssetD, TelemetryQuality quality = TelemetryQuality.Good) =>
        new(asset, signal, at, value, null, quality, "test");

    /// <summary>A running pump's full set of readings at one instant, with overrides.</summary>
    public static IEnumerable<TelemetryPoint> Running(DateTimeOffset at, string asset = AssetD, double flow = 45, double vibration = 1.5,
        double temperature = 50, double margin = 3, double leakage = 0.4, double sealTemperature = 45)
    {
        yield return Point("speed", 1460, at, asset);
        yield return Point("flow", flow, at, asset);
        yield return Point("suction_pressure", 0.3, at, asset);
        yield return Point("discharge_pressure", 0.3 + PressureOf(Head(flow)), at, asset);
        yield return Point("motor_current", 10.6, at, asset);
        yield return Point("inlet_pressure_margin", margin, at, asset);
        yield return Point("bearing_vibration_x", vibration, at, asset);
        yield return Point("bearing_temperature", temperature, at, asset);
        yield return Point("seal_leakage", leakage, at, asset);
        yield return Point("seal_temperature", sealTemperature, at, asset);
    }

    /// <summary>Applies points in order, collecting every event.</summary>
    public static (TwinState State, List<TwinEvent> Events) Feed(TwinState state, TwinModel model, IEnumerable<TelemetryPoint> points)
    {
        var events = new List<TwinEvent>();
        foreach (var point in points)
        {
            (state, var produced) = TwinEngine.Apply(state, model, point);
            events.AddRange(produced);
        }
        return (state, events);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(PumpRevisions).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static ItemRevision Revision(string code, DateTimeOffset effective, DesignLimit[] limits) =>
        new(code, LifecycleState.Released, effective, effective, null, [], limits, []);
}
