using Threadline.Assets;
using Threadline.Plm;
using Xunit.Abstractions;
using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Twins;

// With the state measures: the memory measure reads the whole heap.
[Collection(nameof(TwinStateJsonTests))]
public class TwinConfigurationTests(ITestOutputHelper output)
{
    private readonly PlmCatalog _catalog = PumpFleet.Catalog();

    // The test fleet's drive-end bearing is BRG-1 (a service part BRG-2), its impeller IMP-5 or IMP-6.
    private static readonly TwinModel FleetModel = PumpRevisions.ModelDWithComponents(
        new("drive-end-bearing", "Drive-end bearing", Items: ["BRG-1", "BRG-2"], Signals: ["bearing_vibration_x", "bearing_temperature"], FailureModes: ["bearing-wear"]),
        new("impeller", "Impeller", Items: ["IMP-5", "IMP-6"], FailureModes: ["cavitation-erosion"]));

    private TwinConfiguration Of(IReadOnlyList<AsBuiltComponent> built, params ServiceEvent[] events)
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        var configuration = AssetConfigurations.Compute(asset, AssetConfigurations.Designed(_catalog, asset), built, events, PumpFleet.Now);
        return TwinConfiguration.Of(configuration, _catalog.Get(PumpFleet.Pump).GetRevision(asset.Revision).ServiceBom);
    }

    private static ServiceEvent Replacement(string path, string item, DateTimeOffset at) =>
        new(1, ServiceEventKind.Replacement, path, null, new InstalledPart(item, "A"), null, "ana", at, at);

    [Fact]
    public void Of_ReplacementWithAListedServicePart_IsApproved_WithAnotherItemIsNot()
    {
        var listed = Of([], Replacement("20/10", "BRG-2", Utc(2026, 3, 1))).Positions.Single(p => p.Path == "20/10");
        var other = Of([], Replacement("20/10", "IMP-6", Utc(2026, 3, 1))).Positions.Single(p => p.Path == "20/10");

        Assert.Equal((ConfigurationStatus.Replaced, false, Utc(2026, 3, 1)), (listed.Status, listed.Unapproved, listed.ReplacedAt));
        Assert.Equal(("BRG-2", "BRG-1"), (listed.InstalledItem, listed.DesignedItem));
        Assert.Equal((true, DeviationKind.OtherItem), (other.Unapproved, other.Deviation));
    }

    [Fact]
    public void Of_AsBuiltDeviation_IsUnapproved_AnApprovedSubstitutionIsNot()
    {
        var configuration = Of([new("10", "MOTOR", "B"), new("20", "HOUSING", "A"), new("20/10", "BRG-1", "A"), new(null, "IMP-6", "A", Substitutes: "IMP-5")]);

        Assert.Equal(["10"], configuration.Positions.Where(p => p.Unapproved).Select(p => p.Path));
        Assert.Equal(ConfigurationStatus.Substituted, configuration.Positions.Single(p => p.Path == "30").Status);
        Assert.Equal(DeviationKind.OtherRevision, configuration.Positions.Single(p => p.Path == "10").Deviation);
    }

    [Fact]
    public void View_UnapprovedBearing_PutsACaveatOnBearingWearAndTheRul_NotOnTheOtherModes()
    {
        var twin = new TwinDriver(FleetModel);
        twin.Learn(hours: 2);
        var configuration = Of([], Replacement("20/10", "IMP-6", Utc(2026, 3, 1)));

        var view = TwinView.Of(twin.State, FleetModel, configuration);

        var bearing = view.FailureModes.Single(m => m.Id == "bearing-wear");
        Assert.Contains("20/10", bearing.Caveat, StringComparison.Ordinal);
        Assert.Contains("IMP-6", bearing.Caveat, StringComparison.Ordinal);
        Assert.All(view.FailureModes.Where(m => m.Id != "bearing-wear"), m => Assert.Null(m.Caveat));
        Assert.Equal(bearing.Caveat, view.RulCaveat);
        var component = view.Configuration!.Components.Single(c => c.Id == "drive-end-bearing");
        Assert.Equal((true, Utc(2026, 3, 1)), (component.Unapproved, component.ReplacedAt));
        Assert.Contains(view.Configuration.Positions, p => p.Path == "20/10" && p.InstalledItem == "IMP-6");
    }

    [Fact]
    public void View_WithoutConfiguration_HasNoSectionAndNoCaveats()
    {
        var twin = new TwinDriver(PumpRevisions.ModelD);
        twin.Learn(hours: 1);

        var view = TwinView.Of(twin.State, PumpRevisions.ModelD);

        Assert.Null(view.Configuration);
        Assert.Null(view.RulCaveat);
        Assert.All(view.FailureModes, m => Assert.Null(m.Caveat));
    }

    [Fact]
    public void Of_ThousandPumpsOfTenPositions_HoldUnderAKilobyteAndAHalfEachInMemory()
    {
        // The CP-4720's ten positions, with strings made afresh for each unit as a database read makes them.
        (string Path, string Item)[] structure =
        [
            ("10", "30-1100"), ("20", "20-2100"), ("20/10", "40-6310-C3"), ("20/20", "40-6309"), ("20/30", "40-3100"),
            ("20/40", "40-4100"), ("30", "20-3210"), ("40", "20-4310"), ("50", "20-5000"), ("60", "90-0012"),
        ];
        AssetConfiguration Unit(int i) => new("PUMP-4720-SN" + i, "10-4720-00", "D", PumpFleet.Now, true, [.. structure.Select(p =>
            new ConfigurationNode(new string(p.Path), p.Path[^2..], new string(p.Item), new string("A"), 1, new string(p.Item), new string("A"),
                "S-" + i, null, ConfigurationStatus.Designed, null, null, null, []))]);
        var configurations = new TwinConfiguration[1000];

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < configurations.Length; i++)
        {
            configurations[i] = TwinConfiguration.Of(Unit(i), []);
        }
        var perUnit = (GC.GetTotalMemory(forceFullCollection: true) - before) / configurations.Length;
        GC.KeepAlive(configurations);

        output.WriteLine($"retained per twin configuration: {perUnit} bytes");
        Assert.InRange(perUnit, 1, 1536);
    }
}
