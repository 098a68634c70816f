using Threadline.Assets;
using Threadline.Features.Demo;
using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.Features.Twins;

public class TwinModelResolverTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly PlmCatalog Catalog = PlmCatalog.Empty.With(DemoPumpFamily.Build(PlmCatalog.Empty, T0));

    private static Asset Pump(string revision) => new($"PUMP-4720-SN00341-R0{revision[0] - 'A' + 1}", "PUMP-4720", SerialNumber.Parse("SN00341"),
        DemoPumpFamily.Pump, revision, null, null, null, T0, false, []);

    [Fact]
    public void ModelFor_UnitAtARevision_TakesThatRevisionsDocumentAndLimits()
    {
        var resolver = new TwinModelResolver();

        var c = resolver.ModelFor(Catalog, Pump("C"))!;
        var d = resolver.ModelFor(Catalog, Pump("D"))!;

        Assert.Equal(("C", 7.1), (c.Revision, c.UpperLimit("bearing_vibration_x")?.Max));
        Assert.Equal(("D", 4.5), (d.Revision, d.UpperLimit("bearing_vibration_x")?.Max));
        Assert.Equal(DemoPumpFamily.TwinModel.Signals.Select(s => s.Name), d.Signals.Select(s => s.Name));
        Assert.Equal(["head", "hydraulic_power", "electrical_power", "efficiency", "efficiency_vs_curve"], d.Family.Derived.Select(x => x.Name));
    }

    [Fact]
    public void ModelFor_TwoUnitsAtOneRevision_ShareOneModel()
    {
        var resolver = new TwinModelResolver();

        Assert.Same(resolver.ModelFor(Catalog, Pump("D")), resolver.ModelFor(Catalog, Pump("D") with { Id = "PUMP-4720-SN00342-R04" }));
    }

    [Fact]
    public void ModelFor_RevisionWithoutDocument_WatchesTheSignalsItsLimitsName()
    {
        var withDraft = Catalog.With([Catalog.CreateNextRevision(DemoPumpFamily.Pump, null, T0)]);
        var cleared = withDraft.With([withDraft.SetTwinModel(DemoPumpFamily.Pump, "E", null)]);

        var model = new TwinModelResolver().ModelFor(cleared, Pump("D") with { Revision = "E" })!;

        Assert.Empty(model.Family.Derived);
        Assert.Equal(["bearing_vibration_x", "bearing_temperature", "inlet_pressure_margin", "flow"], model.Signals.Select(s => s.Name));
        Assert.Equal([2.8, 4.5], model.LimitsOf("bearing_vibration_x").Select(l => l.Max));
    }

    [Fact]
    public void ModelFor_RevisionWithNeitherDocumentNorLimits_HasNoModel()
    {
        var withDraft = Catalog.With([Catalog.CreateNextRevision(DemoPumpFamily.Pump, null, T0)]);
        var cleared = withDraft.With([withDraft.SetTwinModel(DemoPumpFamily.Pump, "E", null)]);
        var bare = cleared.With([cleared.SetLimits(DemoPumpFamily.Pump, "E", [])]);

        Assert.Null(new TwinModelResolver().ModelFor(bare, Pump("D") with { Revision = "E" }));
    }

    [Fact]
    public void ModelFor_RevisionPlmDoesNotKnow_IsRefused() =>
        Assert.Throws<PlmRuleException>(() => new TwinModelResolver().ModelFor(Catalog, Pump("D") with { Revision = "Z" }));

    [Fact]
    public void ModelFor_DocumentOrLimitsChanged_GivesANewModel()
    {
        var resolver = new TwinModelResolver();
        var withDraft = Catalog.With([Catalog.CreateNextRevision(DemoPumpFamily.Pump, null, T0)]);
        var first = resolver.ModelFor(withDraft, Pump("D") with { Revision = "E" })!;

        var tighter = withDraft.With([withDraft.SetLimits(DemoPumpFamily.Pump, "E", [new DesignLimit("bearing_vibration_x", null, 2.0, "mm/s", LimitSeverity.Warning)])]);
        var second = resolver.ModelFor(tighter, Pump("D") with { Revision = "E" })!;
        var smaller = tighter.With([tighter.SetTwinModel(DemoPumpFamily.Pump, "E", new TwinModelDocument { Signals = [new TwinSignal("bearing_vibration_x", "mm/s")] })]);
        var third = resolver.ModelFor(smaller, Pump("D") with { Revision = "E" })!;

        Assert.NotSame(first, second);
        Assert.Equal(2.0, second.UpperLimit("bearing_vibration_x")?.Max);
        Assert.NotSame(second, third);
        Assert.Equal(["bearing_vibration_x"], third.Signals.Select(s => s.Name));
        Assert.Same(third, resolver.ModelFor(smaller, Pump("D") with { Revision = "E" }));
    }
}
