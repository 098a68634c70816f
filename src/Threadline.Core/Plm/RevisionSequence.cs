namespace Threadline.Plm;

/// <summary>
/// The default revision sequence: letters as ASME Y14.35 uses them, skipping I, O, Q, S, X and Z
/// (they read as digits), then AA, AB…; numeric schemes ("04") count up keeping their width.
/// </summary>
public static class RevisionSequence
{
    private const string Letters = "ABCDEFGHJKLMNPRTUVWY";

    public static string First => "A";

    /// <summary>The code after <paramref name="code"/>, or null when the code follows no scheme this knows.</summary>
    public static string? Next(string code)
    {
        if (code.Length > 0 && code.All(char.IsAsciiDigit))
        {
            var next = (long.Parse(code, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return next.PadLeft(code.Length, '0');
        }
        var upper = code.ToUpperInvariant();
        if (upper.Length == 0 || upper.Any(c => !Letters.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }
        var digits = upper.Select(c => Letters.IndexOf(c, StringComparison.Ordinal)).ToArray();
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            if (digits[i] < Letters.Length - 1)
            {
                digits[i]++;
                return new string(digits.Select(d => Letters[d]).ToArray());
            }
            digits[i] = 0;
        }
        return Letters[0] + new string(digits.Select(d => Letters[d]).ToArray());
    }

    /// <summary>
    /// The position of a code in its scheme, counting from 1 (A = 1, C = 3, D = 4, AA = 21; "04" = 4), or null
    /// when the code follows no scheme this knows.
    /// </summary>
    public static int? Ordinal(string code)
    {
        if (code.Length is > 0 and <= 9 && code.All(char.IsAsciiDigit))
        {
            return int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
        }
        var upper = code.ToUpperInvariant();
        if (upper.Length is 0 or > 4 || upper.Any(c => !Letters.Contains(c, StringComparison.Ordinal)))
        {
            return null;
        }
        return upper.Aggregate(0, (value, c) => (value * Letters.Length) + Letters.IndexOf(c, StringComparison.Ordinal) + 1);
    }

    public static bool IsValidCode(string code) =>
        code.Length is > 0 and <= 8 && code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
