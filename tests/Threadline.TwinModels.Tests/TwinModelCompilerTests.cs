using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.TwinModels;

public class TwinModelCompilerTests
{
    private const string Compressor = """
        {"signals": [{"name": "discharge_pressure", "unit": "bar"}, {"name": "suction_pressure", "unit": "bar"},
                     {"name": "vibration", "unit": "mm/s", "deadband": 0.1}],
         "derived": [{"name": "pressure_ratio", "unit": "ratio",
                      "formula": "(discharge_pressure + 1.01325) / (suction_pressure + 1.01325)"}],
         "failureModes": [{"id": "bearing-wear", "name": "Bearing wear", "recommendedAction": "Replace the main bearing"}],
         "components": [{"id": "main-bearing", "item": "BRG-9", "signals": ["vibration"], "failureModes": ["bearing-wear"]}],
         "rules": [{"id": "shaking", "conditions": [{"signal": "vibration", "kind": "above", "value": 4.0}],
                    "failureMode": "bearing-wear"}]}
        """;

    private static TwinFamilyModel Compile(string json) => TwinModelCompiler.Compile(TwinModelJson.Parse(json), "Compressor", "compressor");

    private static PlmRuleException Refused(string json) => Assert.Throws<PlmRuleException>(() => Compile(json));

    [Fact]
    public void Compile_TheIssuesExample_GivesSignalsDerivedRuleAndComponent()
    {
        var model = Compile(Compressor);

        Assert.Equal(["discharge_pressure", "suction_pressure", "vibration"], model.Signals.Select(s => s.Name));
        Assert.Equal(0.1, model.Signals[2].Deadband);
        var ratio = Assert.Single(model.Derived);
        Assert.Equal(["discharge_pressure", "suction_pressure"], ratio.Inputs);
        Assert.Equal((7 + 1.01325) / (0 + 1.01325), ratio.Evaluate([7, 0, 1, double.NaN]), 12);
        var rule = Assert.Single(model.Rules);
        Assert.Equal(("Replace the main bearing", ConditionKind.Above, 4.0), (rule.RecommendedAction, rule.Conditions[0].Kind, rule.Conditions[0].Threshold));
        Assert.Equal(["BRG-9"], Assert.Single(model.Components).Items);
        Assert.Null(model.Running);
        Assert.Null(model.Rul);
    }

    [Fact]
    public void Compile_DerivedReadingALaterOne_ComputesItFirst()
    {
        var model = Compile("""
            {"signals": [{"name": "a", "unit": "1"}],
             "derived": [{"name": "b", "unit": "1", "formula": "c * 2"}, {"name": "c", "unit": "1", "formula": "a + 1"}]}
            """);

        Assert.Equal([1, 0], model.DerivedOrder);
        Assert.Equal(["a"], model.Derived[0].Inputs);
    }

    [Fact]
    public void Compile_DerivedInACycle_IsRefusedNamingTheCycle()
    {
        var refused = Refused("""
            {"signals": [{"name": "a", "unit": "1"}],
             "derived": [{"name": "b", "unit": "1", "formula": "c * 2"}, {"name": "c", "unit": "1", "formula": "b + a"}]}
            """);

        Assert.Equal("twin-model-formula-cycle", refused.Code);
        Assert.Contains("b → c → b", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_FormulaError_NamesThePropertyTheFormulaAndThePosition()
    {
        var refused = Refused("""
            {"signals": [{"name": "a", "unit": "1"}],
             "derived": [{"name": "b", "unit": "1", "formula": "a + speed"}]}
            """);

        Assert.Equal("twin-model-formula", refused.Code);
        Assert.Equal("derived[0].formula", refused.Extensions["property"]);
        Assert.Equal("a + speed", refused.Extensions["formula"]);
        Assert.Equal(5, refused.Extensions["position"]);
        Assert.Contains("'speed'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_DivisionByConstantZero_IsRefused() =>
        Assert.Contains("constant zero", Refused("""
            {"signals": [{"name": "a", "unit": "1"}], "derived": [{"name": "b", "unit": "1", "formula": "a / (1 - 1)"}]}
            """).Message, StringComparison.Ordinal);

    [Fact]
    public void Compile_DerivedWithoutUnit_IsRefused() =>
        Assert.Equal("twin-model-unit-missing", Refused("""
            {"signals": [{"name": "a", "unit": "1"}], "derived": [{"name": "b", "unit": "", "formula": "a * 2"}]}
            """).Code);

    [Theory]
    [InlineData("""{"signals": []}""", "twin-model-no-signals")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}, {"name": "a", "unit": "1"}]}""", "twin-model-duplicate")]
    [InlineData("""{"signals": [{"name": "9a", "unit": "1"}]}""", "twin-model-invalid-name")]
    [InlineData("""{"signals": [{"name": "a", "unit": ""}]}""", "twin-model-unit-missing")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1", "deadband": -1}]}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rules": [{"id": "r", "conditions": [{"signal": "b", "kind": "above", "value": 1}]}]}""", "twin-model-unknown-signal")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rules": [{"id": "r", "conditions": []}]}""", "twin-model-rule-empty")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rules": [{"id": "r", "conditions": [{"signal": "a", "kind": "above", "value": 1}], "failureMode": "x"}]}""", "twin-model-unknown-reference")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "components": [{"id": "c", "signals": ["a"]}]}""", "twin-model-component-item")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "components": [{"id": "c", "item": "X", "failureModes": ["x"]}]}""", "twin-model-unknown-reference")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "running": {"anyAbove": []}}""", "twin-model-running-empty")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "running": {"anyAbove": [{"signal": "b", "value": 1}]}}""", "twin-model-unknown-signal")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "operatingBins": {"signal": "a", "edges": [5, 3]}}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rul": {"signal": "b"}}""", "twin-model-unknown-signal")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rul": {"signal": "a", "horizonDays": 0}}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "failureModes": [{"id": "m", "name": "M", "prior": 2}]}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "failureModes": [{"id": "m", "name": "M", "evidence": [{"signal": "z", "healthy": 1, "failed": 2, "weight": 1}]}]}""", "twin-model-unknown-signal")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "tuning": {"onDelay": -5}}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "tuning": {"baselineRate": -3}}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "tuning": {"fastTrend": "00:00:00"}}""", "twin-model-invalid-value")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "tuning": {"anomalyEnterZ": 1, "anomalyExitZ": 2}}""", "twin-model-invalid-value")]
    public void Compile_DocumentBreakingARule_IsRefusedWithItsCode(string json, string code) => Assert.Equal(code, Refused(json).Code);

    [Fact]
    public void Compile_MoreEntriesThanTheLimit_IsRefusedBeforeCompiling()
    {
        var signals = string.Join(",", Enumerable.Range(0, TwinModelCompiler.MaxEntries + 1).Select(i => $$"""{"name": "s{{i}}", "unit": "1"}"""));

        Assert.Equal("twin-model-too-large", Refused($$"""{"signals": [{{signals}}]}""").Code);
    }

    [Fact]
    public void Compile_SeveralProblems_ListsThemAll()
    {
        var refused = Refused("""{"signals": [{"name": "a", "unit": ""}, {"name": "a", "unit": "1"}]}""");

        Assert.Equal(2, ((IReadOnlyList<TwinModelProblem>)refused.Extensions["errors"]!).Count);
    }

    [Theory]
    [InlineData("""{"signals": [{"name": "a", "unit": "1", "deadbnad": 1}]}""", "deadbnad")]
    [InlineData("""{"signals": [{"name": "a"}]}""", "unit")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rules": [{"id": "r", "conditions": [{"signal": "a", "kind": "sideways", "value": 1}]}]}""", "kind")]
    [InlineData("""{"signals": [ """, "")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rules": [{"id": "r", "conditions": [{"signal": "a", "kind": 99, "value": 1}]}]}""", "kind")]
    [InlineData("""{"signals": [{"name": "a", "unit": "1"}], "rules": [{"id": "r", "severity": 42, "conditions": [{"signal": "a", "kind": "above", "value": 1}]}]}""", "severity")]
    public void Parse_DocumentThatIsNotOne_IsRefusedNamingWhere(string json, string where)
    {
        var refused = Assert.Throws<PlmRuleException>(() => TwinModelJson.Parse(json));

        Assert.Equal("twin-model-invalid", refused.Code);
        Assert.Contains(where, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalJson_DocumentReadBack_EqualsTheDocumentWritten()
    {
        var document = TwinModelJson.Parse(Compressor);

        var back = TwinModelJson.Parse(document.CanonicalJson);

        Assert.Equal(document, back);
        Assert.Equal(document.CanonicalJson, back.CanonicalJson);
    }
}
