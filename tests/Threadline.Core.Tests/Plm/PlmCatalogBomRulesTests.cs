using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Plm;

public class PlmCatalogBomRulesTests
{
    [Fact]
    public void SetBom_DirectCycle_IsRefusedWithThePath()
    {
        var catalog = new CatalogBuilder().Part("C1")
            .Assembly("A1", ItemKind.Assembly, Line("10", "C1"))
            .Assembly("A2", ItemKind.Assembly, Line("10", "A1"))
            .Catalog;

        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetBom("A1", "A", [Line("10", "C1"), Line("20", "A2")]));

        Assert.Equal("bom-cycle", ex.Code);
        Assert.Contains("A1 → A2 → A1", ex.Message);
    }

    [Fact]
    public void SetBom_SelfReference_IsRefused()
    {
        var catalog = new CatalogBuilder().Assembly("A1").Catalog;
        Assert.Equal("bom-cycle", Assert.Throws<PlmRuleException>(() => catalog.SetBom("A1", "A", [Line("10", "A1")])).Code);
    }

    [Fact]
    public void SetBom_CycleThroughAnOlderRevision_IsRefused()
    {
        var b = new CatalogBuilder().Part("C1", Utc(2025, 1, 1))
            .Assembly("A1", ItemKind.Assembly, Line("10", "C1")).Release("A1", "A", Utc(2025, 1, 2))
            .Assembly("A2", ItemKind.Assembly, Line("10", "A1")).Release("A2", "A", Utc(2025, 1, 3))
            .NextRevision("A2", Line("10", "C1"));

        Assert.Throws<PlmRuleException>(() => b.NextRevision("A1", Line("10", "A2")));
    }

    [Fact]
    public void SetBom_OverlappingSerialRangesForTheSameChildAndFindNumber_AreRefused()
    {
        var catalog = new CatalogBuilder().Part("C1").Assembly("A1").Catalog;

        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetBom("A1", "A",
        [
            Line("10", "C1", effectivity: Serials("SN1", "SN100")),
            Line("10", "C1", effectivity: Serials("SN100", "SN200")),
        ]));

        Assert.Equal("effectivity-overlap", ex.Code);
        Assert.Contains("lines 1 and 2", ex.Message);
    }

    [Fact]
    public void SetBom_AdjacentSerialRangesForTheSameChild_AreAccepted()
    {
        var catalog = new CatalogBuilder().Part("C1").Assembly("A1").Catalog;
        var item = catalog.SetBom("A1", "A",
        [
            Line("10", "C1", 1, Serials("SN1", "SN99")),
            Line("10", "C1", 2, Serials("SN100", null)),
        ]);
        Assert.Equal(2, item.GetRevision("A").Bom.Count);
    }

    [Fact]
    public void SetBom_InvertedDateRange_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1").Assembly("A1").Catalog;
        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetBom("A1", "A", [Line("10", "C1", effectivity: Dates(Utc(2026, 5, 1), Utc(2026, 4, 1)))]));
        Assert.Equal("effectivity-inverted", ex.Code);
    }

    [Fact]
    public void SetBom_UnknownChild_IsRefusedAndNamesIt()
    {
        var catalog = new CatalogBuilder().Assembly("A1").Catalog;
        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetBom("A1", "A", [Line("10", "NOPE")]));
        Assert.Equal("unknown-item", ex.Code);
        Assert.Contains("NOPE", ex.Message);
    }

    [Fact]
    public void SetBom_OnAPart_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1").Part("C2").Catalog;
        Assert.Equal("part-has-no-bom", Assert.Throws<PlmRuleException>(() => catalog.SetBom("C1", "A", [Line("10", "C2")])).Code);
    }

    [Fact]
    public void SetBom_NonPositiveQuantity_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1").Assembly("A1").Catalog;
        Assert.Equal("invalid-quantity", Assert.Throws<PlmRuleException>(() => catalog.SetBom("A1", "A", [Line("10", "C1", 0)])).Code);
    }

    [Fact]
    public void SetLimits_MinAboveMax_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1").Catalog;
        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetLimits("C1", "A", [new DesignLimit("flow", 10, 5, "m3/h", LimitSeverity.Warning)]));
        Assert.Equal("limit-inverted", ex.Code);
    }

    [Fact]
    public void SetLimits_WarningAndCriticalOnOneSignal_AreAccepted()
    {
        var catalog = new CatalogBuilder().Part("C1").Catalog;
        var item = catalog.SetLimits("C1", "A",
        [
            new DesignLimit("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Warning),
            new DesignLimit("bearing_vibration_x", null, 7.1, "mm/s", LimitSeverity.Critical),
        ]);
        Assert.Equal(2, item.GetRevision("A").Limits.Count);
    }

    [Fact]
    public void SetServiceBom_PathThroughASubassembly_IsChecked()
    {
        var catalog = new CatalogBuilder().Part("BRG").Part("SHAFT")
            .Assembly("HSG", ItemKind.Assembly, Line("10", "BRG"), Line("20", "SHAFT"))
            .Assembly("PUMP", ItemKind.Product, Line("20", "HSG"))
            .Catalog;

        var ok = catalog.SetServiceBom("PUMP", "A", [new ServiceBomEntry("20/10", "BRG", 17500, [], "replace bearing")]);
        Assert.Single(ok.GetRevision("A").ServiceBom);

        var wrongItem = Assert.Throws<PlmRuleException>(() => catalog.SetServiceBom("PUMP", "A", [new ServiceBomEntry("20/20", "BRG", 17500, [], null)]));
        Assert.Equal("service-item-mismatch", wrongItem.Code);
        var noLine = Assert.Throws<PlmRuleException>(() => catalog.SetServiceBom("PUMP", "A", [new ServiceBomEntry("20/30", "BRG", 17500, [], null)]));
        Assert.Equal("unknown-bom-line", noLine.Code);
    }
}
