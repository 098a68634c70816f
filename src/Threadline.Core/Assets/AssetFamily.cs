using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>
/// A product family as the installed base sees it: the <see cref="Prefix"/> that starts every asset ID of the
/// family (the PLM item's family attribute, for example PUMP-4720), the PLM that holds its records
/// (<see cref="PlmUrl"/> null means this server's own PLM), the asset ID <see cref="Pattern"/> and the zero padding
/// of serial digits in IDs. Pattern tokens: {family}, {serial}, {rev} (revision code, e.g. D) and {revno} (the
/// revision's place in its scheme, two digits: A = 01, D = 04).
/// </summary>
public sealed record AssetFamily(string Prefix, string? PlmUrl = null, string Pattern = AssetFamily.DefaultPattern, int SerialDigits = AssetFamily.DefaultSerialDigits)
{
    public const string DefaultPattern = "{family}-{serial}-R{revno}";
    public const int DefaultSerialDigits = 5;

    private static readonly string[] Tokens = ["{family}", "{serial}", "{rev}", "{revno}"];

    public bool IsLocal => PlmUrl is null;

    /// <summary>The rule problems of a family definition, or null when it is usable.</summary>
    public static string? Problem(string prefix, string? plmUrl, string pattern, int serialDigits)
    {
        if (string.IsNullOrWhiteSpace(prefix) || prefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')) || prefix.StartsWith('-') || prefix.EndsWith('-'))
        {
            return $"Family prefix '{prefix}' must be letters, digits and inner hyphens (for example PUMP-4720).";
        }
        if (plmUrl is not null && (!Uri.TryCreate(plmUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            return $"PLM URL '{plmUrl}' is not an absolute http(s) URL.";
        }
        if (!pattern.Contains("{family}", StringComparison.Ordinal) || !pattern.Contains("{serial}", StringComparison.Ordinal))
        {
            return $"Pattern '{pattern}' must contain {{family}} and {{serial}}.";
        }
        var withoutTokens = Tokens.Aggregate(pattern, (p, t) => p.Replace(t, "", StringComparison.Ordinal));
        if (withoutTokens.Contains('{', StringComparison.Ordinal) || withoutTokens.Contains('}', StringComparison.Ordinal))
        {
            return $"Pattern '{pattern}' uses a token other than {string.Join(", ", Tokens)}.";
        }
        if (serialDigits is < 1 or > 12)
        {
            return $"Serial digits must be between 1 and 12, not {serialDigits}.";
        }
        return null;
    }

    /// <summary>The asset ID of a unit of this family: the pattern filled in, upper case, serial digits padded.</summary>
    public string FormatId(SerialNumber serial, Item item, string revisionCode)
    {
        // The revision number follows the code's place in its scheme (C = 03), so it reads the same in every
        // system; a code outside any scheme falls back to its place in the item's history.
        var ordinal = RevisionSequence.Ordinal(revisionCode)
            ?? item.Revisions.ToList().FindIndex(r => string.Equals(r.Code, revisionCode, StringComparison.OrdinalIgnoreCase)) + 1;
        return Fill(PadSerial(serial.Prefix.ToString(), serial.Value[serial.Prefix.Length..]), revisionCode.ToUpperInvariant(), ordinal.ToString("00", CultureInfo.InvariantCulture));
    }

    /// <summary>Reads an ID written exactly to this family's pattern (case and padding included).</summary>
    public ParsedAssetId? TryParse(string assetId)
    {
        var match = StrictRegex.Match(assetId);
        return match.Success ? ToParsed(match) : null;
    }

    /// <summary>
    /// Reads an ID written loosely (any case, any separators or none, serial digits not padded, revision number
    /// not padded) and returns it in canonical form, or null when it is not an ID of this family at all.
    /// </summary>
    public ParsedAssetId? TryNormalise(string rawId)
    {
        var compact = Compact(rawId);
        var match = LooseRegex.Match(compact);
        if (!match.Success)
        {
            return null;
        }
        var serial = PadSerial(match.Groups["sp"].Value, match.Groups["sd"].Value);
        var rev = match.Groups["rev"].Success ? match.Groups["rev"].Value : null;
        var revno = match.Groups["revno"].Success ? int.Parse(match.Groups["revno"].Value, CultureInfo.InvariantCulture).ToString("00", CultureInfo.InvariantCulture) : null;
        return new ParsedAssetId(this, Fill(serial, rev ?? "", revno ?? ""), serial, rev, revno);
    }

    /// <summary>Upper case with every separator removed: the form two spellings of one ID share.</summary>
    public static string Compact(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToUpperInvariant(c));
            }
        }
        return builder.ToString();
    }

    private string PadSerial(string prefix, string digits)
    {
        var trimmed = digits.TrimStart('0');
        return prefix.ToUpperInvariant() + (trimmed.Length >= SerialDigits ? trimmed : trimmed.PadLeft(SerialDigits, '0'));
    }

    private string Fill(string serial, string rev, string revno) => Pattern
        .Replace("{family}", Prefix.ToUpperInvariant(), StringComparison.Ordinal)
        .Replace("{serial}", serial, StringComparison.Ordinal)
        .Replace("{revno}", revno, StringComparison.Ordinal)
        .Replace("{rev}", rev, StringComparison.Ordinal)
        .ToUpperInvariant();

    private ParsedAssetId ToParsed(Match match)
    {
        var serial = match.Groups["sp"].Value + match.Groups["sd"].Value;
        return new ParsedAssetId(this, match.Value.ToUpperInvariant(), serial,
            match.Groups["rev"].Success ? match.Groups["rev"].Value : null,
            match.Groups["revno"].Success ? match.Groups["revno"].Value : null);
    }

    private Regex StrictRegex => _strict ??= BuildRegex(loose: false);

    private Regex LooseRegex => _loose ??= BuildRegex(loose: true);

    private Regex? _strict;
    private Regex? _loose;

    // The loose form matches the compacted text (upper case, no separators), so it drops the pattern's separator
    // literals and lets the serial's letters be lazy: "PUMP4720SN341R4" still splits as SN341 and R4.
    private Regex BuildRegex(bool loose)
    {
        var builder = new StringBuilder("^");
        var i = 0;
        while (i < Pattern.Length)
        {
            var token = Array.Find(Tokens, t => Pattern.AsSpan(i).StartsWith(t, StringComparison.Ordinal));
            if (token is null)
            {
                var literal = Pattern[i];
                if (!loose || char.IsAsciiLetterOrDigit(literal))
                {
                    builder.Append(Regex.Escape(char.ToUpperInvariant(literal).ToString()));
                }
                i++;
                continue;
            }
            builder.Append(token switch
            {
                "{family}" => Regex.Escape(loose ? Compact(Prefix) : Prefix.ToUpperInvariant()),
                "{serial}" => loose ? "(?<sp>[A-Z]*?)(?<sd>[0-9]+?)" : "(?<sp>[A-Z]*)(?<sd>[0-9]+)",
                "{rev}" => "(?<rev>[A-Z]{1,2}|[0-9]{1,3})",
                _ => loose ? "(?<revno>[0-9]{1,3})" : "(?<revno>[0-9]{2,3})",
            });
            i += token.Length;
        }
        builder.Append('$');
        return new Regex(builder.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}

/// <summary>An asset ID read against a family's pattern: the canonical ID and its parts (upper case).</summary>
public sealed record ParsedAssetId(AssetFamily Family, string CanonicalId, string Serial, string? Revision, string? RevisionNumber);
