namespace Threadline.TwinModels;

public class FormulaTests
{
    private static readonly string[] Names = ["discharge_pressure", "suction_pressure", "flow", "bearing-temp"];

    private static int Slot(string name) => Array.IndexOf(Names, name);

    private static double Eval(string text, params double[] values) => Formula.Compile(text, Slot).Evaluate(values);

    [Fact]
    public void Compile_HeadFromPressures_GivesTheHeadInMetres()
    {
        var head = Eval("(discharge_pressure - suction_pressure) * 100000 / (998 * 9.81)", 3.5, 0.3, 0, 0);

        Assert.Equal(3.2 * 100000 / (998 * 9.81), head, 12);
    }

    [Theory]
    [InlineData("2 ** 3", 8)]
    [InlineData("max(1, flow, 3)", 7)]
    [InlineData("min(flow, 3)", 3)]
    [InlineData("flow > 5 ? 1 : 2", 1)]
    [InlineData("if(flow < 5, 1, 2)", 2)]
    [InlineData("sqrt(16) + abs(-1) + ln(1) + log10(100) + exp(0)", 8)]
    [InlineData("round(2.5) + floor(1.7) + ceiling(1.2)", 6)]
    [InlineData("-flow % 4", -3)]
    [InlineData("flow >= 7 and not (flow != 7)", 1)]
    [InlineData("[bearing-temp] * 2", 10)]
    public void Compile_Operators_ComputeAsWritten(string text, double expected) =>
        Assert.Equal(expected, Eval(text, 0, 0, 7, 5), 12);

    [Fact]
    public void Evaluate_MissingInput_GivesNoValue() =>
        Assert.True(double.IsNaN(Eval("discharge_pressure - suction_pressure", 3.5, double.NaN, 0, 0)));

    [Fact]
    public void Evaluate_GuardNotMet_GivesNull() =>
        Assert.True(double.IsNaN(Eval("flow > 10 ? flow : null", 0, 0, 7, 0)));

    [Fact]
    public void Evaluate_GuardOnAMissingInput_TakesTheOtherBranch() =>
        Assert.Equal(1, Eval("suction_pressure > 0.1 ? 2 : 1", 0, double.NaN, 0, 0));

    [Theory]
    [InlineData("(flow + 1", 10)]
    [InlineData("flow 2", 6)]
    public void Compile_SyntaxError_NamesThePosition(string text, int position)
    {
        var refused = Assert.Throws<FormulaException>(() => Formula.Compile(text, Slot));

        Assert.Equal(position, refused.Position);
    }

    [Fact]
    public void Compile_UnknownName_NamesItAndWhereItIs()
    {
        var refused = Assert.Throws<FormulaException>(() => Formula.Compile("flow * 2 + speed", Slot));

        Assert.Contains("'speed'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(12, refused.Position);
    }

    [Theory]
    [InlineData("flow / 0")]
    [InlineData("flow / (2 - 2)")]
    [InlineData("flow % (3 * 0)")]
    public void Compile_DivisionByAConstantZero_IsRefused(string text)
    {
        var refused = Assert.Throws<FormulaException>(() => Formula.Compile(text, Slot));

        Assert.Contains("constant zero", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_DivisionByAnInput_IsAllowed() =>
        Assert.True(double.IsInfinity(Eval("flow / suction_pressure", 0, 0, 7, 0)));

    [Theory]
    [InlineData("'text'")]
    [InlineData("flow ^ 2")]
    [InlineData("foo(flow)")]
    [InlineData("pow(flow)")]
    [InlineData("")]
    public void Compile_OutsideTheLanguage_IsRefused(string text) =>
        Assert.Throws<FormulaException>(() => Formula.Compile(text, Slot));

    [Fact]
    public void IdentifiersOf_Formula_ListsEachNameOnceInOrder() =>
        Assert.Equal(["flow", "discharge_pressure"], Formula.IdentifiersOf("flow * discharge_pressure + flow"));

    [Theory]
    [InlineData("not suction_pressure")]
    [InlineData("suction_pressure != 1")]
    [InlineData("suction_pressure > 3")]
    [InlineData("suction_pressure == suction_pressure")]
    [InlineData("flow > 1 and suction_pressure > 1")]
    public void Evaluate_ConditionOnAMissingInput_HasNoValue(string text) =>
        Assert.True(double.IsNaN(Eval(text, 0, double.NaN, 7, 0)), text);

    [Fact]
    public void Compile_LongerThanTheLimit_IsRefusedBeforeParsing()
    {
        var refused = Assert.Throws<FormulaException>(() => Formula.Compile(string.Join("+", Enumerable.Repeat("flow", 20_000)), Slot));

        Assert.Contains("at most 400", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(130)]
    public void Compile_NestedDeeperThanTheLimit_IsRefused(int depth)
    {
        var text = new string('-', depth) + "flow";

        Assert.Contains("nests more than", Assert.Throws<FormulaException>(() => Formula.Compile(text, Slot)).Message, StringComparison.Ordinal);
    }
}
