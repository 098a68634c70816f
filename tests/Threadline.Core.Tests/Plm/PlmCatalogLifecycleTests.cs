using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Plm;

public class PlmCatalogLifecycleTests
{
    [Fact]
    public void CreateItem_StartsWithDraftRevisionA()
    {
        var item = PlmCatalog.Empty.CreateItem(new NewItem("P-1", "Pump", ItemKind.Product), T0);
        var revision = Assert.Single(item.Revisions);
        Assert.Equal("A", revision.Code);
        Assert.Equal(LifecycleState.Draft, revision.State);
    }

    [Fact]
    public void CreateItem_DuplicateNumberIgnoringCase_IsConflict()
    {
        var catalog = new CatalogBuilder().Part("p-1").Catalog;
        var ex = Assert.Throws<PlmRuleException>(() => catalog.CreateItem(new NewItem("P-1", "Again", ItemKind.Part), T0));
        Assert.Equal("duplicate-item", ex.Code);
        Assert.Equal(RuleViolationKind.Conflict, ex.Kind);
    }

    [Fact]
    public void Release_SupersedesThePreviousRevisionOnTheEffectiveDate()
    {
        var b = new CatalogBuilder().Part("C1", Utc(2025, 1, 1))
            .Assembly("ASM", ItemKind.Assembly, Line("10", "C1"))
            .Release("ASM", "A", Utc(2025, 2, 1))
            .NextRevision("ASM", Line("10", "C1", 2))
            .Release("ASM", "B", Utc(2025, 6, 1));

        var asm = b.Catalog.Get("ASM");
        Assert.Equal(LifecycleState.Superseded, asm.GetRevision("A").State);
        Assert.Equal(Utc(2025, 6, 1), asm.GetRevision("A").SupersededAt);
        Assert.Equal(LifecycleState.Released, asm.GetRevision("B").State);
        Assert.Equal("A", asm.RevisionInEffect(Utc(2025, 6, 1).AddTicks(-1))!.Code);
        Assert.Equal("B", asm.RevisionInEffect(Utc(2025, 6, 1))!.Code);
        Assert.Null(asm.RevisionInEffect(Utc(2025, 1, 31)));
    }

    [Fact]
    public void NextRevision_CopiesBomLimitsAndServiceBomOfTheLatest()
    {
        var catalog = new CatalogBuilder().Part("C1", Utc(2025, 1, 1)).Assembly("ASM", ItemKind.Assembly, Line("10", "C1", 3)).Catalog;
        catalog = catalog.With(catalog.SetLimits("ASM", "A", [new DesignLimit("vibration", null, 5, "mm/s", LimitSeverity.Warning)]));
        catalog = catalog.With(catalog.Release("ASM", "A", Utc(2025, 2, 1)));

        var next = catalog.CreateNextRevision("ASM", null, T0);

        var b2 = next.GetRevision("B");
        Assert.Equal(LifecycleState.Draft, b2.State);
        Assert.Equal(3m, Assert.Single(b2.Bom).Quantity);
        Assert.Equal(5, Assert.Single(b2.Limits).Max);
    }

    [Fact]
    public void NextRevision_WhileADraftExists_IsConflict()
    {
        var catalog = new CatalogBuilder().Part("C1").Catalog;
        var ex = Assert.Throws<PlmRuleException>(() => catalog.CreateNextRevision("C1", null, T0));
        Assert.Equal("revision-in-work", ex.Code);
    }

    [Fact]
    public void SetBom_OnReleasedRevision_IsRefusedAndNamesTheState()
    {
        var catalog = new CatalogBuilder().Part("C1", Utc(2025, 1, 1))
            .Assembly("ASM", ItemKind.Assembly, Line("10", "C1")).Release("ASM", "A", Utc(2025, 2, 1)).Catalog;

        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetBom("ASM", "A", [Line("10", "C1", 2)]));

        Assert.Equal("revision-not-editable", ex.Code);
        Assert.Contains("Released", ex.Message);
    }

    [Fact]
    public void SetLimits_OnInReviewRevision_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1").Catalog;
        catalog = catalog.With(catalog.MoveTo("C1", "A", LifecycleState.InReview));
        var ex = Assert.Throws<PlmRuleException>(() => catalog.SetLimits("C1", "A", []));
        Assert.Equal("revision-not-editable", ex.Code);
    }

    [Fact]
    public void Release_WithAnUnreleasedChild_IsRefusedAndNamesTheChild()
    {
        var catalog = new CatalogBuilder().Part("C1").Assembly("ASM", ItemKind.Assembly, Line("10", "C1")).Catalog;

        var ex = Assert.Throws<PlmRuleException>(() => catalog.Release("ASM", "A", Utc(2025, 2, 1)));

        Assert.Equal("unreleased-children", ex.Code);
        Assert.Contains("C1", ex.Message);
    }

    [Fact]
    public void Release_ChildReleasedOnlyAfterTheParentDate_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1", Utc(2025, 3, 1)).Assembly("ASM", ItemKind.Assembly, Line("10", "C1")).Catalog;
        Assert.Throws<PlmRuleException>(() => catalog.Release("ASM", "A", Utc(2025, 2, 1)));
        Assert.Equal(LifecycleState.Released, catalog.Release("ASM", "A", Utc(2025, 3, 1)).GetRevision("A").State);
    }

    [Fact]
    public void Release_EarlierThanTheCurrentRelease_IsRefused()
    {
        var catalog = new CatalogBuilder().Part("C1", Utc(2025, 3, 1)).Catalog;
        catalog = catalog.With(catalog.CreateNextRevision("C1", null, T0));
        var ex = Assert.Throws<PlmRuleException>(() => catalog.Release("C1", "B", Utc(2025, 2, 1)));
        Assert.Equal("release-out-of-order", ex.Code);
    }

    [Fact]
    public void MoveTo_ReleasedBackToDraft_IsRefusedWithTheAllowedSteps()
    {
        var catalog = new CatalogBuilder().Part("C1", Utc(2025, 1, 1)).Catalog;
        var ex = Assert.Throws<PlmRuleException>(() => catalog.MoveTo("C1", "A", LifecycleState.Draft));
        Assert.Equal("illegal-transition", ex.Code);
        Assert.Contains("Obsolete, Archived", ex.Message);
    }

    [Fact]
    public void Archive_KeepsTheRevisionResolvableOnItsDates()
    {
        var catalog = new CatalogBuilder().Part("C1", Utc(2025, 1, 1)).Catalog;
        catalog = catalog.With(catalog.MoveTo("C1", "A", LifecycleState.Archived));
        Assert.Equal("A", catalog.Get("C1").RevisionInEffect(Utc(2025, 5, 1))!.Code);
    }

    [Theory]
    [InlineData("A", "B")]
    [InlineData("H", "J")]
    [InlineData("N", "P")]
    [InlineData("Y", "AA")]
    [InlineData("AY", "BA")]
    [InlineData("04", "05")]
    [InlineData("09", "10")]
    public void RevisionSequence_SkipsLettersThatReadAsDigits(string current, string next)
    {
        Assert.Equal(next, RevisionSequence.Next(current));
    }
}
