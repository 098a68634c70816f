using Threadline.Plm;
using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Assets;

public class AssetRulesTests
{
    private readonly PlmCatalog _catalog = PumpFleet.Catalog();

    [Fact]
    public void Register_WithoutRevision_TakesTheRevisionInEffectOnTheShipDate()
    {
        var early = PumpFleet.Register(_catalog, "SN00341", shipDate: Utc(2025, 6, 1));
        var late = PumpFleet.Register(_catalog, "SN00342", shipDate: Utc(2026, 2, 1));
        Assert.Equal(("A", "PUMP-4720-SN00341-R01"), (early.Revision, early.Id));
        Assert.Equal(("B", "PUMP-4720-SN00342-R02"), (late.Revision, late.Id));
    }

    [Theory]
    [InlineData("SN1", "NOPE", null, null, "unknown-item")]
    [InlineData("SN1", PumpFleet.Pump, "Z", null, "unknown-revision")]
    [InlineData("SN1", "MOTOR", null, null, "not-a-product")]
    [InlineData("", PumpFleet.Pump, null, null, "missing-serial")]
    [InlineData("SN1", PumpFleet.Pump, null, "PUMP-4720-SN1-R1", "malformed-asset-id")]
    public void Register_BadInput_NamesTheProblem(string serial, string item, string? revision, string? assetId, string code)
    {
        var error = Assert.Throws<PlmRuleException>(() => AssetRules.Register(
            new NewAsset(serial, item, revision, AssetId: assetId, ShipDate: Utc(2025, 6, 1)), _catalog, PumpFleet.Families(_catalog), PumpFleet.Now));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public void Register_SiteMustBeAnIsa95Path()
    {
        var error = Assert.Throws<PlmRuleException>(() => AssetRules.Register(
            new NewAsset("SN1", PumpFleet.Pump, Site: "acme/plant 1"), _catalog, PumpFleet.Families(_catalog), PumpFleet.Now));
        Assert.Equal("invalid-site", error.Code);
    }

    [Fact]
    public void ServiceEvent_BeforeShipDate_IsRefused()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        var configuration = Configuration(asset, [], [], asset.BuildDate);
        var error = Assert.Throws<PlmRuleException>(() => AssetRules.CheckServiceEvent(asset, _catalog, configuration,
            new NewServiceEvent(ServiceEventKind.Inspection, "30", null, null, null, "ana", Utc(2025, 5, 1)), 1, PumpFleet.Now));
        Assert.Equal("before-ship-date", error.Code);
    }

    [Fact]
    public void ServiceEvent_ForAComponentTheUnitDoesNotHave_ListsItsPositions()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        var configuration = Configuration(asset, [], [], Utc(2025, 7, 1));
        var error = Assert.Throws<PlmRuleException>(() => AssetRules.CheckServiceEvent(asset, _catalog, configuration,
            new NewServiceEvent(ServiceEventKind.Replacement, "IMP-6", null, new InstalledPart("IMP-6", "A"), null, "ana", Utc(2025, 7, 1)), 1, PumpFleet.Now));
        Assert.Equal("unknown-component", error.Code);
        Assert.Contains("30 (IMP-5)", error.Message);
    }

    [Fact]
    public void ServiceEvent_ByItemNumber_IsStoredWithItsPath()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        var configuration = Configuration(asset, [], [], Utc(2025, 7, 1));
        var stored = AssetRules.CheckServiceEvent(asset, _catalog, configuration,
            new NewServiceEvent(ServiceEventKind.Replacement, "brg-1", null, new InstalledPart("BRG-2", "A", "B-77"), 4100, "ana", Utc(2025, 7, 1)), 1, PumpFleet.Now);
        Assert.Equal("20/10", stored.Component);
    }

    [Fact]
    public void ServiceEvent_RemovingAnotherSerialThanInstalled_IsAConflict()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341");
        var configuration = Configuration(asset, [new AsBuiltComponent("30", "IMP-5", "A", Serial: "I-1")], [], Utc(2025, 7, 1));
        var error = Assert.Throws<PlmRuleException>(() => AssetRules.CheckServiceEvent(asset, _catalog, configuration,
            new NewServiceEvent(ServiceEventKind.Replacement, "30", "I-2", new InstalledPart("IMP-6", "A"), null, "ana", Utc(2025, 7, 1)), 1, PumpFleet.Now));
        Assert.Equal("removed-serial-mismatch", error.Code);
    }

    [Fact]
    public void ArchivedRevision_MakesTheAssetEndOfLife_ReadOnly_AndRoutesChangesToTriage()
    {
        var asset = PumpFleet.Register(_catalog, "SN00341", revision: "A");
        var archived = _catalog.With(_catalog.MoveTo(PumpFleet.Pump, "A", LifecycleState.Archived));
        Assert.Equal(AssetStatus.EndOfLife, asset.StatusIn(archived));
        Assert.Equal(ChangeRoute.ManualTriage, AssetRules.RouteAutomaticChange(asset, archived));
        Assert.Equal(ChangeRoute.ChangeRecord, AssetRules.RouteAutomaticChange(asset, _catalog));
        var error = Assert.Throws<PlmRuleException>(() => AssetRules.CheckAsBuilt(asset, archived, []));
        Assert.Equal("asset-end-of-life", error.Code);
        Assert.Null(AssetValidation.Check(asset, archived));
    }

    private AssetConfiguration Configuration(Asset asset, IReadOnlyList<AsBuiltComponent> asBuilt, IReadOnlyList<ServiceEvent> events, DateTimeOffset at) =>
        AssetConfigurations.Compute(asset, AssetConfigurations.Designed(_catalog, asset), asBuilt, events, at);
}
