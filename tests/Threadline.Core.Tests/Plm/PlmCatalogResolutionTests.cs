using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Plm;

public class PlmCatalogResolutionTests
{
    private static readonly DateTimeOffset ParentReleased = Utc(2025, 2, 1);
    private static readonly DateTimeOffset ChangeDate = Utc(2026, 3, 1);

    /// <summary>
    /// PUMP → IMP-OLD for SN1..SN399, IMP-NEW from SN400; SEAL-A before the change date, SEAL-B from it;
    /// HSG (assembly) → BRG, with BRG at revision B from 2025-06-01; MOTOR lot-restricted.
    /// </summary>
    private static PlmCatalog Pump()
    {
        var b = new CatalogBuilder()
            .Part("IMP-OLD", Utc(2025, 1, 1)).Part("IMP-NEW", Utc(2025, 1, 1))
            .Part("SEAL-A", Utc(2025, 1, 1)).Part("SEAL-B", Utc(2025, 1, 1))
            .Part("BRG", Utc(2025, 1, 1)).Part("MOTOR-L7", Utc(2025, 1, 1)).Part("MOTOR", Utc(2025, 1, 1))
            .Assembly("HSG", ItemKind.Assembly, Line("10", "BRG", 2)).Release("HSG", "A", Utc(2025, 1, 1))
            .Assembly("PUMP", ItemKind.Product,
                Line("10", "MOTOR", effectivity: Lots("L1", "L2")),
                Line("10", "MOTOR-L7", effectivity: Lots("L7")),
                Line("20", "HSG"),
                Line("30", "IMP-OLD", effectivity: Serials("SN1", "SN399")),
                Line("30", "IMP-NEW", effectivity: Serials("SN400", null)),
                Line("40", "SEAL-A", effectivity: Dates(null, ChangeDate)),
                Line("40", "SEAL-B", effectivity: Dates(ChangeDate, null)))
            .Release("PUMP", "A", ParentReleased);
        var catalog = b.Catalog;
        catalog = catalog.With(catalog.CreateNextRevision("BRG", null, Utc(2025, 5, 1)));
        return catalog.With(catalog.Release("BRG", "B", Utc(2025, 6, 1)));
    }

    private static IEnumerable<string> TopItems(ResolvedBom bom) => bom.Lines.Select(l => l.Item);

    [Fact]
    public void Resolve_FirstAndLastSerialOfARange_GetThatRangesChild()
    {
        var catalog = Pump();
        Assert.Contains("IMP-OLD", TopItems(catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN1"), Utc(2025, 7, 1)))));
        Assert.Contains("IMP-OLD", TopItems(catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN399"), Utc(2025, 7, 1)))));
        Assert.Contains("IMP-NEW", TopItems(catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN400"), Utc(2025, 7, 1)))));
        Assert.DoesNotContain("IMP-OLD", TopItems(catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN400"), Utc(2025, 7, 1)))));
    }

    [Fact]
    public void Resolve_AtMidnightUtcOfTheChangeDate_UsesTheNewChild()
    {
        var catalog = Pump();
        var before = catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN5"), ChangeDate.AddTicks(-1)));
        var at = catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN5"), ChangeDate));
        Assert.Contains("SEAL-A", TopItems(before));
        Assert.DoesNotContain("SEAL-B", TopItems(before));
        Assert.Contains("SEAL-B", TopItems(at));
        Assert.DoesNotContain("SEAL-A", TopItems(at));
    }

    [Fact]
    public void Resolve_ChildRevisionFollowsTheDate()
    {
        var catalog = Pump();
        string BearingRevision(DateTimeOffset at) =>
            catalog.ResolveBom("PUMP", new BomQuery(null, at)).Lines.Single(l => l.Item == "HSG").Lines.Single().Revision!;
        Assert.Equal("A", BearingRevision(Utc(2025, 5, 31, 23)));
        Assert.Equal("B", BearingRevision(Utc(2025, 6, 1)));
    }

    [Fact]
    public void Resolve_PinnedRevision_IsKeptWhateverTheDate()
    {
        var b = new CatalogBuilder().Part("BRG", Utc(2025, 1, 1));
        var catalog = b.Catalog;
        catalog = catalog.With(catalog.CreateNextRevision("BRG", null, Utc(2025, 1, 1)));
        catalog = catalog.With(catalog.Release("BRG", "B", Utc(2025, 6, 1)));
        catalog = catalog.With(catalog.CreateItem(new NewItem("ASM", "Asm", ItemKind.Assembly), Utc(2025, 1, 1)));
        catalog = catalog.With(catalog.SetBom("ASM", "A", [Line("10", "BRG", pin: "A")]));
        catalog = catalog.With(catalog.Release("ASM", "A", Utc(2025, 7, 1)));

        var line = Assert.Single(catalog.ResolveBom("ASM", new BomQuery(null, Utc(2026, 1, 1))).Lines);
        Assert.Equal("A", line.Revision);
        Assert.True(line.RevisionPinned);
    }

    [Fact]
    public void Resolve_WithALot_KeepsOnlyThatLotsLines()
    {
        var catalog = Pump();
        var l7 = catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN5"), Utc(2025, 7, 1), "L7"));
        Assert.Contains("MOTOR-L7", TopItems(l7));
        Assert.DoesNotContain("MOTOR", TopItems(l7));
    }

    [Fact]
    public void Resolve_BeforeTheProductWasReleased_SaysSo()
    {
        var ex = Assert.Throws<PlmRuleException>(() => Pump().ResolveBom("PUMP", new BomQuery(null, ParentReleased.AddTicks(-1))));
        Assert.Equal("no-revision-in-effect", ex.Code);
        Assert.Equal(RuleViolationKind.NotFound, ex.Kind);
    }

    [Fact]
    public void Resolve_TwoSerialsOnTwoDates_GiveDifferentStructures()
    {
        var catalog = Pump();
        var early = catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN350"), Utc(2026, 1, 10), "L1"));
        var late = catalog.ResolveBom("PUMP", new BomQuery(SerialNumber.Parse("SN420"), Utc(2026, 3, 14), "L1"));
        Assert.Equal(["MOTOR", "HSG", "IMP-OLD", "SEAL-A"], TopItems(early));
        Assert.Equal(["MOTOR", "HSG", "IMP-NEW", "SEAL-B"], TopItems(late));
    }

    [Fact]
    public void RollUp_MultipliesQuantitiesDownThePath()
    {
        var catalog = new CatalogBuilder().Part("BOLT", Utc(2025, 1, 1))
            .Assembly("SUB", ItemKind.Assembly, Line("10", "BOLT", 4)).Release("SUB", "A", Utc(2025, 1, 1))
            .Assembly("TOP", ItemKind.Product, Line("10", "SUB", 3), Line("20", "BOLT", 2)).Release("TOP", "A", Utc(2025, 1, 1))
            .Catalog;

        var rollUp = PlmCatalog.RollUp(catalog.ResolveBom("TOP", new BomQuery(null, Utc(2025, 2, 1))));

        Assert.Equal(14m, rollUp.Single(e => e.Item == "BOLT").Quantity);
        Assert.Equal(3m, rollUp.Single(e => e.Item == "SUB").Quantity);
    }

    [Fact]
    public void WhereUsed_WalksUpToTheProductsInEffectOnTheDate()
    {
        var catalog = Pump();
        var usedIn = catalog.WhereUsed("BRG", Utc(2025, 7, 1));
        var housing = Assert.Single(usedIn);
        Assert.Equal("HSG", housing.Item);
        Assert.Equal(2m, housing.Quantity);
        Assert.Equal("PUMP", Assert.Single(housing.UsedIn).Item);
    }

    [Fact]
    public void WhereUsed_DateRestrictedLine_OnlyWhileInEffect()
    {
        var catalog = Pump();
        Assert.Single(catalog.WhereUsed("SEAL-A", ChangeDate.AddTicks(-1)));
        Assert.Empty(catalog.WhereUsed("SEAL-A", ChangeDate));
    }
}
