using System.Text.RegularExpressions;
using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>
/// Where a unit is installed, as an ISA-95 path: enterprise/site/area/line/cell, one to five levels, each of
/// letters, digits, '-' or '_' (the same names appear as UNS topic levels, so no '/', '+', '#' or spaces inside).
/// Compared and stored in lower case.
/// </summary>
public readonly partial record struct SitePath
{
    public static readonly string[] LevelNames = ["enterprise", "site", "area", "line", "cell"];

    private SitePath(string value) => Value = value;

    public string Value { get; }

    public IReadOnlyList<string> Levels => Value.Split('/');

    public static SitePath Parse(string text, string field = "site")
    {
        var trimmed = text.Trim().Trim('/').ToLowerInvariant();
        var levels = trimmed.Split('/');
        if (trimmed.Length == 0 || levels.Length > LevelNames.Length || !levels.All(l => LevelPattern().IsMatch(l)))
        {
            throw PlmRuleException.Invalid("invalid-site",
                $"{field} '{text}' is not an ISA-95 path of 1 to 5 levels (enterprise/site/area/line/cell), each of letters, digits, '-' or '_'.");
        }
        return new SitePath(string.Join('/', levels));
    }

    /// <summary>True when this path is <paramref name="scope"/> or lies beneath it (acme/plant-1 contains acme/plant-1/area-2).</summary>
    public bool IsWithin(SitePath scope) =>
        Value == scope.Value || Value.StartsWith(scope.Value + "/", StringComparison.Ordinal);

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex LevelPattern();
}
