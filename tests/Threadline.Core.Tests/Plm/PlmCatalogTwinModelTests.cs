using Threadline.Twins;

namespace Threadline.Plm;

public class PlmCatalogTwinModelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TwinModelDocument Document = new() { Signals = [new TwinSignal("vibration", "mm/s")] };

    private static PlmCatalog Draft()
    {
        var catalog = PlmCatalog.Empty.With([PlmCatalog.Empty.CreateItem(new NewItem("C-1", "Compressor", ItemKind.Product), T0)]);
        return catalog.With([catalog.SetTwinModel("C-1", "A", Document)]);
    }

    [Fact]
    public void SetTwinModel_OnADraft_IsKept_AndReleaseFreezesIt()
    {
        var draft = Draft();
        var released = draft.With([draft.Release("C-1", "A", T0)]);

        Assert.Equal(Document, released.Get("C-1").GetRevision("A").TwinModel);
        var refused = Assert.Throws<PlmRuleException>(() => released.SetTwinModel("C-1", "A", null));
        Assert.Equal("revision-not-editable", refused.Code);
    }

    [Fact]
    public void CreateNextRevision_CopiesTheDocument()
    {
        var draft = Draft();
        var released = draft.With([draft.Release("C-1", "A", T0)]);

        var next = released.CreateNextRevision("C-1", null, T0.AddDays(1));

        Assert.Same(released.Get("C-1").GetRevision("A").TwinModel, next.GetRevision("B").TwinModel);
    }

    [Fact]
    public void SetLimits_InAnotherUnitThanTheDocumentsSignal_IsRefused()
    {
        var refused = Assert.Throws<PlmRuleException>(() => Draft().SetLimits("C-1", "A", [new DesignLimit("vibration", null, 4, "in/s", LimitSeverity.Warning)]));

        Assert.Equal("twin-limit-unit", refused.Code);
    }

    [Fact]
    public void SetTwinModel_WhoseSignalUnitDiffersFromALimit_IsRefused()
    {
        var catalog = PlmCatalog.Empty.With([PlmCatalog.Empty.CreateItem(new NewItem("C-2", "Compressor", ItemKind.Product), T0)]);
        catalog = catalog.With([catalog.SetLimits("C-2", "A", [new DesignLimit("vibration", null, 4, "in/s", LimitSeverity.Warning)])]);

        Assert.Equal("twin-limit-unit", Assert.Throws<PlmRuleException>(() => catalog.SetTwinModel("C-2", "A", Document)).Code);
    }
}
