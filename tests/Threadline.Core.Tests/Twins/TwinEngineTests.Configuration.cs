using Threadline.Assets;
using static Threadline.Twins.PumpRevisions;

namespace Threadline.Twins;

public partial class TwinEngineTests
{
    /// <summary>A configuration of the CP-4720's housing, drive-end bearing and seal with one replacement, of the same item, at <paramref name="path"/>.</summary>
    private static TwinConfiguration ReplacedAt(string path, DateTimeOffset at)
    {
        TwinPosition Position(string p, string item) => new(p, item, "A", item, "A",
            p == path ? ConfigurationStatus.Replaced : ConfigurationStatus.Designed, null, false, p == path ? at : null);
        return new(at, true, [Position("20", "20-2100"), Position("20/10", "40-6310-C3"), Position("40", "20-4310")]);
    }

    /// <summary>Hourly samples from <paramref name="from"/> for <paramref name="days"/> days, vibration <paramref name="start"/> rising by <paramref name="perDay"/>.</summary>
    private static void Ramp(TwinDriver twin, DateTimeOffset from, double days, double start, double perDay)
    {
        for (var hour = 0; hour < days * 24; hour++)
        {
            twin.Send(Running(from.AddHours(hour), vibration: start + perDay * hour / 24.0));
        }
    }

    [Fact]
    public void Configure_BearingReplaced_RulTrendUsesOnlyReadingsAfterTheDayOfTheWork()
    {
        // Six days of a worn bearing rising 0.1 mm/s a day, replaced at 10:00 on day 6, then a new one rising 0.02 a day.
        var replaced = T0.AddDays(6).AddHours(10);
        var twin = Trending(ModelD, days: 6, perDay: 0.1);
        var control = Trending(ModelD, days: 6, perDay: 0.1);
        Assert.Equal(RulBasis.Trend, twin.State.Rul.Basis);

        Ramp(twin, T0.AddDays(6), 10 / 24.0, 2.1, 0.1);
        Ramp(control, T0.AddDays(6), 10 / 24.0, 2.1, 0.1);
        twin.Configure(ReplacedAt("20/10", replaced));
        Assert.Equal(replaced, twin.Signal("bearing_vibration_x").EvidenceSince);
        Assert.Equal(replaced, twin.Signal("bearing_temperature").EvidenceSince);
        Assert.Equal(RulBasis.Unknown, twin.State.Rul.Basis);

        Ramp(twin, replaced, 4.5, 1.0, 0.02);
        Ramp(control, replaced, 4.5, 1.0, 0.02);

        // Completed days after day 6: 7, 8 and 9. The control twin still sees the worn bearing's days in its window.
        Assert.Equal(RulBasis.Trend, twin.State.Rul.Basis);
        Assert.Equal(0.02, twin.State.Rul.TrendPerDay!.Value, 3);
        Assert.Equal(RulBasis.NoTrend, control.State.Rul.Basis);
        Assert.Null(twin.Signal("seal_leakage").EvidenceSince);
    }

    [Fact]
    public void Configure_BearingReplacedAfterAnAnomaly_RelearnsTheBaselineAndClearsTheAnomaly()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8);
        twin.Tick(TenMinutes, at => Running(at, vibration: 2.2));
        twin.Tick(TenMinutes, at => Running(at, vibration: 2.2));
        Assert.Single(twin.State.Alerts, a => a.Key == "anomaly:bearing_vibration_x");
        var sealBaseline = twin.Signal("seal_leakage").Baseline;

        var events = twin.Configure(ReplacedAt("20/10", twin.At.AddMinutes(30)));

        var cleared = Assert.Single(events.OfType<AlertCleared>());
        Assert.Equal(("anomaly:bearing_vibration_x", twin.At.AddMinutes(30)), (cleared.Alert.Key, cleared.At));
        Assert.Empty(twin.State.Alerts);
        Assert.All(twin.Signal("bearing_vibration_x").Baseline, cell => Assert.Equal(0, cell.Count));
        Assert.False(twin.Signal("bearing_vibration_x").Anomalous);
        Assert.Equal(sealBaseline, twin.Signal("seal_leakage").Baseline);

        // The new bearing's 1.0 mm/s is learned as this unit's behaviour, not reported as a deviation from the old 1.5.
        twin.Learn(hours: 8, vibration: 1.0);
        Assert.Empty(twin.State.Alerts);
    }

    [Fact]
    public void Configure_SameConfigurationTwice_ChangesNothingTheSecondTime()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 2);
        var configuration = ReplacedAt("40", twin.At);
        twin.Configure(configuration);
        var once = twin.State;

        var events = twin.Configure(configuration);

        Assert.Empty(events);
        Assert.Same(once, twin.State);
        Assert.Equal(twin.At, twin.Signal("seal_temperature").EvidenceSince);
        Assert.Null(twin.Signal("bearing_vibration_x").EvidenceSince);
    }

    [Fact]
    public void Configure_ReplacementBeforeEverythingTheTwinHolds_KeepsWhatItLearned()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8);
        var learned = twin.Signal("bearing_vibration_x").Baseline;

        twin.Configure(ReplacedAt("20/10", T0.AddDays(-30)));

        Assert.Equal(learned, twin.Signal("bearing_vibration_x").Baseline);
        Assert.Equal(T0.AddDays(-30), twin.Signal("bearing_vibration_x").EvidenceSince);
    }

    [Fact]
    public void Configure_BearingHousingAssemblyReplaced_RestartsTheEvidenceOfTheBearingInIt()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 2);

        twin.Configure(ReplacedAt("20", twin.At));

        Assert.Equal(twin.At, twin.Signal("bearing_vibration_x").EvidenceSince);
    }

    [Fact]
    public void Configure_SealReplacedWhileItsDistressRuleFires_ClearsTheRuleAndStartsItAgain()
    {
        var twin = new TwinDriver(ModelD);
        twin.Learn(hours: 8);
        for (var i = 0; i < 4; i++)
        {
            twin.Tick(TenMinutes, at => Running(at, leakage: 3, sealTemperature: 50));
        }
        Assert.Single(twin.State.Alerts, a => a.Key == "rule:seal-distress");
        var sealRule = PumpRevisions.Family.Rules.Select((r, i) => (r.Id, i)).Single(r => r.Id == "seal-distress").i;

        var events = twin.Configure(ReplacedAt("40", twin.At.AddMinutes(5)));

        Assert.Contains(events.OfType<AlertCleared>(), e => e.Alert.Key == "rule:seal-distress");
        Assert.Contains(events.OfType<AlertCleared>(), e => e.Alert.Key == "anomaly:seal_temperature");
        Assert.DoesNotContain(twin.State.Alerts, a => a.Key is "rule:seal-distress" or "anomaly:seal_temperature");
        Assert.Equal(default, twin.State.Rules[sealRule]);
    }
}
