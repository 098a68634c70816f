namespace Threadline.Plm;

/// <summary>
/// A unit's serial number, ordered the way plants read serial ranges: a text prefix, then the trailing
/// digits compared as a number (so SN99 &lt; SN100 and SN0099 = SN99 in order), then the full text.
/// Serials are trimmed and upper-cased, so "sn00341" and "SN00341" are the same unit.
/// </summary>
public readonly record struct SerialNumber : IComparable<SerialNumber>
{
    private SerialNumber(string value, int digitsStart)
    {
        Value = value;
        _digitsStart = digitsStart;
    }

    private readonly int _digitsStart;

    public string Value { get; }

    /// <summary>The text before the trailing digits ("SN" in "SN00341").</summary>
    public ReadOnlySpan<char> Prefix => Value.AsSpan(0, _digitsStart);

    /// <summary>The trailing digits without leading zeros ("341" in "SN00341"); empty when there are none.</summary>
    public ReadOnlySpan<char> Number => Value.AsSpan(_digitsStart).TrimStart('0');

    public bool HasNumber => _digitsStart < Value.Length;

    /// <summary>Prefix and number without zero padding: the same for SN341 and SN00341, which are one unit.</summary>
    public string Key => string.Concat(Prefix, Number);

    public static SerialNumber Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim().ToUpperInvariant();
        if (value.Length == 0)
        {
            throw new FormatException("A serial number cannot be empty.");
        }
        var start = value.Length;
        while (start > 0 && char.IsAsciiDigit(value[start - 1]))
        {
            start--;
        }
        return new SerialNumber(value, start);
    }

    public int CompareTo(SerialNumber other)
    {
        var byPrefix = Prefix.CompareTo(other.Prefix, StringComparison.Ordinal);
        if (byPrefix != 0)
        {
            return byPrefix;
        }
        if (HasNumber != other.HasNumber)
        {
            return HasNumber ? 1 : -1;
        }
        var a = Number;
        var b = other.Number;
        if (a.Length != b.Length)
        {
            return a.Length.CompareTo(b.Length);
        }
        var byNumber = a.CompareTo(b, StringComparison.Ordinal);
        return byNumber != 0 ? byNumber : string.CompareOrdinal(Value, other.Value);
    }

    public static bool operator <(SerialNumber left, SerialNumber right) => left.CompareTo(right) < 0;

    public static bool operator >(SerialNumber left, SerialNumber right) => left.CompareTo(right) > 0;

    public static bool operator <=(SerialNumber left, SerialNumber right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SerialNumber left, SerialNumber right) => left.CompareTo(right) >= 0;

    public override string ToString() => Value;
}
