using Threadline.Plm;
using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Assets;

public class AssetConfigurationTests
{
    private readonly PlmCatalog _catalog = PumpFleet.Catalog();

    [Fact]
    public void SerialBelowTheImpellerChange_GetsTheOldImpeller_AsDesigned()
    {
        var config = Compute(PumpFleet.Register(_catalog, "SN00341"), [], [], Utc(2025, 7, 1));
        Assert.False(config.AsBuiltRecorded);
        Assert.Equal("IMP-5", config.Find("30")!.InstalledItem);
        Assert.All(config.AllNodes(), n => Assert.Equal(ConfigurationStatus.Designed, n.Status));
    }

    [Fact]
    public void AsBuilt_MarksSubstitutionsOtherRevisionsMissingAndExtraParts()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        AsBuiltComponent[] built =
        [
            new("10", "MOTOR", "B"),
            new("20", "HOUSING", "A", Serial: "H-9"),
            new(null, "IMP-6", "A", Substitutes: "IMP-5"),
            new("70", "MOTOR", "A"),
        ];
        var deviations = AssetConfigurations.Reconcile(asset, AssetConfigurations.Designed(_catalog, asset), built);
        Assert.Equal(
            [("10", DeviationKind.OtherRevision), ("30", DeviationKind.Substitution), ("70", DeviationKind.NotInDesign)],
            deviations.Select(d => (d.Path, d.Kind)).Order());

        var partial = AssetConfigurations.Reconcile(asset, AssetConfigurations.Designed(_catalog, asset), [new("10", "MOTOR", "A")]);
        Assert.Equal(["20", "20/10", "30"], partial.Where(d => d.Kind == DeviationKind.Missing).Select(d => d.Path).Order());
    }

    [Fact]
    public void ConfigurationOnADate_AppliesOnlyTheReplacementsUpToThatDate_InTimeOrder()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        ServiceEvent[] events =
        [
            // Recorded out of order on purpose: the answer must follow the time of work.
            Replacement(2, "20/10", "BRG-1", "second", Utc(2026, 3, 1)),
            Replacement(1, "20/10", "BRG-2", "first", Utc(2025, 9, 1)),
        ];
        Assert.Equal(ConfigurationStatus.Designed, Compute(asset, [], events, Utc(2025, 8, 31)).Find("20/10")!.Status);
        var afterFirst = Compute(asset, [], events, Utc(2025, 12, 1)).Find("20/10")!;
        Assert.Equal((ConfigurationStatus.Replaced, "BRG-2", "first"), (afterFirst.Status, afterFirst.InstalledItem, afterFirst.Serial));
        var afterSecond = Compute(asset, [], events, Utc(2026, 3, 14)).Find("20/10")!;
        Assert.Equal(("BRG-1", "second"), (afterSecond.InstalledItem, afterSecond.Serial));
    }

    [Fact]
    public void ServiceBomAccuracy_CountsInstalledPartsTheServiceBomAllows()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        var revision = _catalog.Get(PumpFleet.Pump).GetRevision("A");
        var good = Compute(asset, [], [Replacement(1, "20/10", "BRG-2", "x", Utc(2025, 9, 1))], Utc(2026, 1, 1));
        var bad = Compute(asset, [], [Replacement(1, "30", "MOTOR", "x", Utc(2025, 9, 1))], Utc(2026, 1, 1));
        var report = ServiceBomAccuracyReport.Measure([(good, revision), (bad, revision)]);
        Assert.Equal((4, 3), (report.Positions, report.Matching));
        Assert.Equal(0.75, report.Accuracy);
        Assert.False(report.MeetsTarget);
        Assert.Equal("30", Assert.Single(report.Mismatches).Path);
    }

    private static ServiceEvent Replacement(long sequence, string path, string item, string serial, DateTimeOffset at) =>
        new(sequence, ServiceEventKind.Replacement, path, null, new InstalledPart(item, "A", serial), null, "ana", at, at);

    private AssetConfiguration Compute(Asset asset, IReadOnlyList<AsBuiltComponent> built, IReadOnlyList<ServiceEvent> events, DateTimeOffset at) =>
        AssetConfigurations.Compute(asset, AssetConfigurations.Designed(_catalog, asset), built, events, at);
}
