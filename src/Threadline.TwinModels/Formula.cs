using System.Globalization;
using ParameterExpression = System.Linq.Expressions.ParameterExpression;
using NCalc;
using NCalc.Exceptions;
using NCalc.Visitors;
using LinqExpression = System.Linq.Expressions.Expression;

namespace Threadline.TwinModels;

/// <summary>Why a formula was refused: the message, and where in the formula text (1-based column; null when the parser gives none).</summary>
public sealed class FormulaException(string message, int? position) : Exception(message)
{
    public int? Position { get; } = position;
}

/// <summary>
/// A formula of a twin model document, parsed by NCalc and compiled once into a delegate over a buffer of values:
/// identifier i reads <c>values[slots[i]]</c>. The language (docs/twin-models.md): numbers, names (in brackets when
/// they hold '-' or '.'), <c>+ - * / %</c>, <c>**</c> for powers, comparisons and <c>and</c>/<c>or</c>/<c>not</c> (true
/// is 1), <c>c ? a : b</c> and <c>if(c, a, b)</c>, the functions abs, sqrt, exp, ln, log10, pow, min, max, floor,
/// ceiling, round, sin, cos, tan, and <c>null</c> for "no value". A missing input is NaN and makes the result NaN, which
/// the twin reports as not computable.
/// </summary>
public sealed class Formula
{
    /// <summary>Longest formula accepted, in characters: enough for any engineering formula, and it keeps the parser's and compiler's recursion shallow and a DTDL comment whole.</summary>
    public const int MaxLength = 400;

    /// <summary>Deepest nesting of operations accepted: the compiler recurses once per level.</summary>
    public const int MaxDepth = 64;

    private static readonly LogicalExpressionParserOptions ParserOptions = new();

    private Formula(string text, IReadOnlyList<string> identifiers, Func<double[], double> evaluate)
    {
        Text = text;
        Identifiers = identifiers;
        Evaluate = evaluate;
    }

    public string Text { get; }

    /// <summary>The names the formula reads, in order of first use.</summary>
    public IReadOnlyList<string> Identifiers { get; }

    public Func<double[], double> Evaluate { get; }

    /// <summary>The names a formula reads, without compiling it (to order derived properties before they are compiled).</summary>
    public static IReadOnlyList<string> IdentifiersOf(string text)
    {
        var collector = new Compiler(text, _ => 0);
        collector.Compile(Parse(text));
        return collector.Identifiers;
    }

    /// <summary>
    /// Parses and compiles a formula. <paramref name="slotOf"/> gives the buffer index of a name, or -1 when the name is
    /// unknown (refused with its position).
    /// </summary>
    public static Formula Compile(string text, Func<string, int> slotOf)
    {
        var compiler = new Compiler(text, slotOf);
        var body = compiler.Compile(Parse(text)).Value;
        var lambda = LinqExpression.Lambda<Func<double[], double>>(body, compiler.Values);
        return new Formula(text, compiler.Identifiers, lambda.Compile());
    }

    private static LogicalExpression Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormulaException("The formula is empty.", null);
        }
        if (text.Length > MaxLength)
        {
            throw new FormulaException($"The formula is {text.Length} characters long; at most {MaxLength} are accepted (split it into derived properties).", MaxLength + 1);
        }
        try
        {
            return LogicalExpressionParser.Parse(text, ParserOptions, CultureInfo.InvariantCulture, CancellationToken.None);
        }
        catch (NCalcParserException ex)
        {
            throw new FormulaException(ex.Message, PositionIn(ex.Message));
        }
        // NCalc reports some operator sequences ("a + * b") without a position.
        catch (InvalidOperationException ex)
        {
            throw new FormulaException(ex.Message, null);
        }
    }

    // NCalc writes "at position (line:column)"; formulas are one line.
    private static int? PositionIn(string message)
    {
        var at = message.LastIndexOf(':');
        var end = message.IndexOf(')', Math.Max(at, 0));
        return at > 0 && end > at && int.TryParse(message.AsSpan(at + 1, end - at - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var column) ? column : null;
    }

    /// <summary>A compiled node: its expression (a double), and whether it reads no value (so it can be judged at compile time).</summary>
    private readonly record struct Node(LinqExpression Value, bool Constant);

    private sealed class Compiler(string text, Func<string, int> slotOf) : ILogicalExpressionVisitor<Node>
    {
        private static readonly LinqExpression NaN = LinqExpression.Constant(double.NaN);
        private static readonly LinqExpression One = LinqExpression.Constant(1.0);
        private static readonly LinqExpression Zero = LinqExpression.Constant(0.0);

        private readonly List<string> _identifiers = [];
        private int _depth;

        public ParameterExpression Values { get; } = LinqExpression.Parameter(typeof(double[]), "values");

        public List<string> Identifiers => _identifiers;

        public Node Visit(Identifier identifier)
        {
            var name = identifier.Name;
            if (string.Equals(name, "null", StringComparison.OrdinalIgnoreCase))
            {
                return new Node(NaN, true);
            }
            if (!_identifiers.Contains(name, StringComparer.Ordinal))
            {
                _identifiers.Add(name);
            }
            var slot = slotOf(name);
            if (slot < 0)
            {
                throw new FormulaException($"'{name}' is neither a signal nor a derived property of this model.", PositionOfName(name));
            }
            return new Node(LinqExpression.ArrayIndex(Values, LinqExpression.Constant(slot)), false);
        }

        public Node Visit(ValueExpression expression) => expression.Value switch
        {
            bool b => new Node(b ? One : Zero, true),
            int or long or double or decimal or float => new Node(LinqExpression.Constant(Convert.ToDouble(expression.Value, CultureInfo.InvariantCulture)), true),
            _ => throw new FormulaException($"{Describe(expression)} is not a number; formulas compute numbers.", PositionOf(expression.Value?.ToString())),
        };

        public Node Compile(LogicalExpression expression) => Into(expression);

        private Node Into(LogicalExpression expression)
        {
            if (++_depth > MaxDepth)
            {
                throw new FormulaException($"The formula nests more than {MaxDepth} operations deep.", null);
            }
            try
            {
                return expression.Accept(this);
            }
            finally
            {
                _depth--;
            }
        }

        public Node Visit(NCalc.UnaryExpression expression)
        {
            var operand = Into(expression.Expression);
            return expression.Type switch
            {
                UnaryExpressionType.Negate => new Node(LinqExpression.Negate(operand.Value), operand.Constant),
                UnaryExpressionType.Positive => operand,
                UnaryExpressionType.Not => new Node(Truth(LinqExpression.Not(IsTrue(operand.Value)), operand.Value), operand.Constant),
                _ => throw new FormulaException($"The operator {expression.Type} is not part of the formula language.", null),
            };
        }

        public Node Visit(NCalc.BinaryExpression expression)
        {
            var left = Into(expression.LeftExpression);
            var right = Into(expression.RightExpression);
            var constant = left.Constant && right.Constant;
            if (expression.Type is BinaryExpressionType.Div or BinaryExpressionType.Modulo && right.Constant && ValueOf(right) == 0)
            {
                // NCalc keeps no positions in its tree, and "/" may occur several times: no position rather than a wrong one.
                throw new FormulaException("Division by a constant zero: a divisor of this formula is always 0.", null);
            }
            LinqExpression l = left.Value, r = right.Value;
            LinqExpression value = expression.Type switch
            {
                BinaryExpressionType.Plus => LinqExpression.Add(l, r),
                BinaryExpressionType.Minus => LinqExpression.Subtract(l, r),
                BinaryExpressionType.Times => LinqExpression.Multiply(l, r),
                BinaryExpressionType.Div => LinqExpression.Divide(l, r),
                BinaryExpressionType.Modulo => LinqExpression.Modulo(l, r),
                BinaryExpressionType.Exponentiation => Call(nameof(Math.Pow), l, r),
                BinaryExpressionType.Lesser => Truth(LinqExpression.LessThan(l, r), l, r),
                BinaryExpressionType.LesserOrEqual => Truth(LinqExpression.LessThanOrEqual(l, r), l, r),
                BinaryExpressionType.Greater => Truth(LinqExpression.GreaterThan(l, r), l, r),
                BinaryExpressionType.GreaterOrEqual => Truth(LinqExpression.GreaterThanOrEqual(l, r), l, r),
                BinaryExpressionType.Equal => Truth(LinqExpression.Equal(l, r), l, r),
                BinaryExpressionType.NotEqual => Truth(LinqExpression.NotEqual(l, r), l, r),
                BinaryExpressionType.And => Truth(LinqExpression.AndAlso(IsTrue(l), IsTrue(r)), l, r),
                BinaryExpressionType.Or => Truth(LinqExpression.OrElse(IsTrue(l), IsTrue(r)), l, r),
                _ => throw new FormulaException(
                    $"The operator {expression.Type} is not part of the formula language{(expression.Type == BinaryExpressionType.BitwiseXOr ? " (write powers as a ** b)" : "")}.",
                    expression.Type == BinaryExpressionType.BitwiseXOr ? PositionOf("^") : null),
            };
            return new Node(value, constant);
        }

        public Node Visit(TernaryExpression expression) => Conditional(
            Into(expression.LeftExpression), Into(expression.MiddleExpression), Into(expression.RightExpression));

        public Node Visit(Function function)
        {
            var written = function.Identifier.Name;
            var name = written.ToLowerInvariant();
            var args = function.Parameters.Select(Into).ToArray();
            var constant = args.All(a => a.Constant);
            var values = args.Select(a => a.Value).ToArray();
            switch (name)
            {
                case "if":
                    RequireArity(3);
                    return Conditional(args[0], args[1], args[2]);
                case "abs" or "sqrt" or "exp" or "floor" or "ceiling" or "sin" or "cos" or "tan" or "log10" or "ln":
                    RequireArity(1);
                    return new Node(Call(MathName(name), values[0]), constant);
                case "round":
                    RequireArity(1);
                    return new Node(CallRound(values[0]), constant);
                case "pow":
                    RequireArity(2);
                    return new Node(Call(nameof(Math.Pow), values[0], values[1]), constant);
                case "min" or "max":
                    if (args.Length < 2)
                    {
                        throw new FormulaException($"{name} takes two or more values.", PositionOfName(written));
                    }
                    var method = name == "min" ? nameof(Math.Min) : nameof(Math.Max);
                    return new Node(values.Skip(1).Aggregate(values[0], (acc, v) => Call(method, acc, v)), constant);
                default:
                    throw new FormulaException(
                        $"'{written}' is not a function of the formula language (abs, sqrt, exp, ln, log10, pow, min, max, floor, ceiling, round, sin, cos, tan, if).",
                        PositionOfName(written));
            }

            void RequireArity(int count)
            {
                if (args.Length != count)
                {
                    throw new FormulaException($"{name} takes {count} value{(count == 1 ? "" : "s")}, not {args.Length}.", PositionOfName(written));
                }
            }
        }

        public Node Visit(LogicalExpressionList list) =>
            throw new FormulaException("A list of values is not a number.", null);

        private static Node Conditional(Node condition, Node whenTrue, Node whenFalse) => new(
            LinqExpression.Condition(IsTrue(condition.Value), whenTrue.Value, whenFalse.Value),
            condition.Constant && whenTrue.Constant && whenFalse.Constant);

        // A condition holds when its value is a number other than zero; NaN (a missing input) does not hold, so a
        // conditional on it takes its other branch.
        private static LinqExpression IsTrue(LinqExpression value) =>
            LinqExpression.AndAlso(LinqExpression.NotEqual(value, Zero), LinqExpression.Not(IsNaN(value)));

        // A comparison or a logical operation on a missing input has no value, as arithmetic on it has none: "x != 1"
        // must not be true because x was never read.
        private static LinqExpression Truth(LinqExpression condition, params LinqExpression[] operands) =>
            LinqExpression.Condition(
                operands.Select(IsNaN).Aggregate(LinqExpression.OrElse),
                NaN,
                LinqExpression.Condition(condition, One, Zero));

        private static LinqExpression IsNaN(LinqExpression value) => Call(nameof(double.IsNaN), typeof(double), value);

        private static LinqExpression Call(string method, params LinqExpression[] args) => Call(method, typeof(Math), args);

        private static LinqExpression Call(string method, Type type, params LinqExpression[] args) =>
            LinqExpression.Call(type.GetMethod(method, [.. args.Select(_ => typeof(double))])!, args);

        private static LinqExpression CallRound(LinqExpression value) =>
            LinqExpression.Call(typeof(Math).GetMethod(nameof(Math.Round), [typeof(double), typeof(MidpointRounding)])!, value,
                LinqExpression.Constant(MidpointRounding.AwayFromZero));

        private static string MathName(string name) => name switch
        {
            "abs" => nameof(Math.Abs),
            "sqrt" => nameof(Math.Sqrt),
            "exp" => nameof(Math.Exp),
            "floor" => nameof(Math.Floor),
            "ceiling" => nameof(Math.Ceiling),
            "sin" => nameof(Math.Sin),
            "cos" => nameof(Math.Cos),
            "tan" => nameof(Math.Tan),
            "ln" => nameof(Math.Log),
            _ => nameof(Math.Log10),
        };

        private static double ValueOf(Node node) =>
            LinqExpression.Lambda<Func<double>>(node.Value).Compile(preferInterpretation: true)();

        private static string Describe(ValueExpression expression) =>
            expression.Value is string s ? $"The text '{s}'" : $"The value {expression.Value}";

        private int? PositionOf(string? fragment) =>
            fragment is null ? null : text.IndexOf(fragment, StringComparison.Ordinal) is var i and >= 0 ? i + 1 : null;

        // The first use of a name as a whole word (not inside a longer name), else its first occurrence.
        private int? PositionOfName(string name)
        {
            for (var i = text.IndexOf(name, StringComparison.Ordinal); i >= 0; i = text.IndexOf(name, i + 1, StringComparison.Ordinal))
            {
                var before = i == 0 || !IsNameChar(text[i - 1]);
                var after = i + name.Length >= text.Length || !IsNameChar(text[i + name.Length]);
                if (before && after)
                {
                    return i + 1;
                }
            }
            return PositionOf(name);
        }

        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c == '_';
    }
}
