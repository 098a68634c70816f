using Threadline.Common;

namespace Threadline.Plm;

/// <summary>
/// When a BOM line applies: a serial range (both ends inclusive), a date range (from inclusive, to exclusive,
/// UTC instants, so consecutive ranges meet without a gap or an overlap) and a list of lots. Each part is
/// optional and they combine with AND; an empty effectivity applies always.
/// </summary>
public sealed record Effectivity(
    SerialNumber? SerialFrom,
    SerialNumber? SerialTo,
    DateTimeOffset? DateFrom,
    DateTimeOffset? DateTo,
    EquatableList<string> Lots)
{
    public static Effectivity Always { get; } = new(null, null, null, null, EquatableList<string>.Empty);

    public bool IsUnconditional => SerialFrom is null && SerialTo is null && DateFrom is null && DateTo is null && Lots.Count == 0;

    public bool HasSerialRange => SerialFrom is not null || SerialTo is not null;

    /// <summary>Whether the line is in effect on this date (UTC instant), whatever the serial and lot.</summary>
    public bool AppliesOn(DateTimeOffset at) => (DateFrom is not { } from || at >= from) && (DateTo is not { } to || at < to);

    /// <summary>
    /// Whether the line applies to a unit. A serial or lot left out of the question is not filtered on,
    /// which gives the engineering view over every unit.
    /// </summary>
    public bool AppliesTo(SerialNumber? serial, DateTimeOffset at, string? lot) =>
        AppliesOn(at) && (serial is not { } s || CoversSerial(s)) && (lot is null || CoversLot(lot));

    public bool CoversSerial(SerialNumber serial) =>
        (SerialFrom is not { } from || serial >= from) && (SerialTo is not { } to || serial <= to);

    public bool CoversLot(string lot) => Lots.Count == 0 || Lots.Contains(lot, StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether some unit, date and lot exists to which both effectivities apply.</summary>
    public bool Overlaps(Effectivity other)
    {
        var serialsMeet = (SerialFrom is not { } f1 || other.SerialTo is not { } t2 || f1 <= t2)
            && (other.SerialFrom is not { } f2 || SerialTo is not { } t1 || f2 <= t1);
        var datesMeet = (DateFrom is not { } d1 || other.DateTo is not { } e2 || d1 < e2)
            && (other.DateFrom is not { } d2 || DateTo is not { } e1 || d2 < e1);
        var lotsMeet = Lots.Count == 0 || other.Lots.Count == 0
            || Lots.Intersect(other.Lots, StringComparer.OrdinalIgnoreCase).Any();
        return serialsMeet && datesMeet && lotsMeet;
    }

    /// <summary>What is wrong with this effectivity on its own (an inverted range), or nothing.</summary>
    public string? Problem()
    {
        if (SerialFrom is { } sf && SerialTo is { } st && sf > st)
        {
            return $"serial range is inverted: serialFrom '{sf}' comes after serialTo '{st}'";
        }
        if (DateFrom is { } df && DateTo is { } dt && df >= dt)
        {
            return $"date range is empty or inverted: dateFrom {df:O} is not before dateTo {dt:O} (dateTo is exclusive)";
        }
        if (Lots.Any(string.IsNullOrWhiteSpace))
        {
            return "a lot in the lot list is blank";
        }
        return null;
    }

    public override string ToString()
    {
        if (IsUnconditional)
        {
            return "always";
        }
        var parts = new List<string>();
        if (HasSerialRange)
        {
            parts.Add($"serials {SerialFrom?.Value ?? "…"}..{SerialTo?.Value ?? "…"}");
        }
        if (DateFrom is not null || DateTo is not null)
        {
            parts.Add($"dates [{DateFrom?.ToString("yyyy-MM-dd HH:mm'Z'", null) ?? "…"}, {DateTo?.ToString("yyyy-MM-dd HH:mm'Z'", null) ?? "…"})");
        }
        if (Lots.Count > 0)
        {
            parts.Add($"lots {string.Join('/', Lots)}");
        }
        return string.Join(", ", parts);
    }
}
