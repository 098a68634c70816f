using Threadline.Plm;

namespace Threadline.Twins;

public class TwinModelTests
{
    [Fact]
    public void For_RevisionC_TakesCsVibrationLimits()
    {
        var limits = PumpRevisions.ModelC.LimitsOf("bearing_vibration_x");

        Assert.Equal([4.5, 7.1], limits.Select(l => l.Max!.Value).Order());
        Assert.Equal("C", PumpRevisions.ModelC.Revision);
        Assert.Equal(PumpRevisions.Pump, PumpRevisions.ModelC.Item);
    }

    [Fact]
    public void For_RevisionD_TakesDsTighterVibrationLimits()
    {
        var limits = PumpRevisions.ModelD.LimitsOf("bearing_vibration_x");

        Assert.Equal([2.8, 4.5], limits.Select(l => l.Max!.Value).Order());
        Assert.Equal(4.5, PumpRevisions.ModelD.UpperLimit("bearing_vibration_x")?.Max);
        Assert.Equal(LimitSeverity.Critical, PumpRevisions.ModelD.UpperLimit("bearing_vibration_x")?.Severity);
    }

    [Fact]
    public void For_ItemAndRevisionCode_TakesThatRevisionsLimits()
    {
        var item = new Item(PumpRevisions.Pump, "CP-4720", ItemKind.Product, "ea", "PUMP-4720", [PumpRevisions.C, PumpRevisions.D]);

        var model = TwinModel.For(PumpRevisions.Family, item, "d");

        Assert.Equal("D", model.Revision);
        Assert.Equal(0.8, model.LimitsOf("inlet_pressure_margin").Single(l => l.Severity == LimitSeverity.Warning).Min);
    }

    [Fact]
    public void For_LimitInAnotherUnit_IsRefused()
    {
        var revision = PumpRevisions.D with { Limits = [new DesignLimit("bearing_vibration_x", null, 0.11, "in/s", LimitSeverity.Warning)] };

        var refused = Assert.Throws<PlmRuleException>(() => TwinModel.For(PumpRevisions.Family, PumpRevisions.Pump, revision));

        Assert.Equal("twin-limit-unit", refused.Code);
        Assert.Contains("in/s", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_AsciiSpellingOfTheUnit_IsAccepted()
    {
        var revision = PumpRevisions.D with
        {
            Limits =
            [
                new DesignLimit("flow", 10, 60, "m3/h", LimitSeverity.Warning),
                new DesignLimit("bearing_temperature", null, 90, "degC", LimitSeverity.Warning),
            ],
        };

        var model = TwinModel.For(PumpRevisions.Family, PumpRevisions.Pump, revision);

        Assert.Single(model.LimitsOf("flow"));
        Assert.Single(model.LimitsOf("bearing_temperature"));
    }

    [Fact]
    public void For_LimitOnASignalTheFamilyDoesNotMeasure_IsLeftOut()
    {
        var revision = PumpRevisions.D with { Limits = [new DesignLimit("oil_level", 20, null, "%", LimitSeverity.Warning)] };

        var model = TwinModel.For(PumpRevisions.Family, PumpRevisions.Pump, revision);

        Assert.Empty(model.LimitsOf("oil_level"));
        Assert.Equal(-1, model.IndexOf("oil_level"));
    }

    [Fact]
    public void Pump4720_Declaration_NamesEverySignalItsRulesAndModesUse()
    {
        var family = PumpRevisions.Family;
        var signals = family.Signals.Select(s => s.Name).ToHashSet();

        Assert.Equal(10, signals.Count);
        Assert.All(family.Rules.SelectMany(r => r.Conditions), c => Assert.Contains(c.Signal, signals));
        Assert.All(family.FailureModes.SelectMany(m => m.Evidence), e => Assert.Contains(e.Signal, signals));
        Assert.All(family.Derived.SelectMany(d => d.Inputs), i => Assert.Contains(i, signals));
        Assert.Contains(family.Rul!.Signal, signals);
        Assert.Contains(family.Baseline.Signal, signals);
    }
}
