using System.Globalization;
using Threadline.Plm;

namespace Threadline.Api;

/// <summary>Parses the values that arrive as text (dates, enums, serials) with errors that name the field.</summary>
public static class RequestValues
{
    private static readonly string[] DateOnlyFormats = ["yyyy-MM-dd"];

    /// <summary>
    /// An ISO 8601 instant. A date alone means midnight UTC that day; a time without an offset is taken as UTC,
    /// because a plant server's local zone must never change what a stored date means.
    /// </summary>
    public static DateTimeOffset ParseInstant(string text, string field)
    {
        var trimmed = text.Trim();
        if (DateTimeOffset.TryParseExact(trimmed, DateOnlyFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var day))
        {
            return day.ToUniversalTime();
        }
        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var instant)
            && (trimmed.Contains('T', StringComparison.Ordinal) || trimmed.Contains(' ', StringComparison.Ordinal)))
        {
            return instant.ToUniversalTime();
        }
        throw PlmRuleException.Invalid("invalid-date", $"{field} '{text}' is not an ISO 8601 date or date-time (for example 2026-03-14 or 2026-03-14T08:30:00Z).");
    }

    public static DateTimeOffset? ParseOptionalInstant(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? null : ParseInstant(text, field);

    public static SerialNumber? ParseOptionalSerial(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            throw PlmRuleException.Invalid("invalid-serial", $"{field} is blank; leave it out or give a serial number.");
        }
        return SerialNumber.Parse(text);
    }

    public static TEnum ParseEnum<TEnum>(string? text, string field)
        where TEnum : struct, Enum
    {
        if (text is not null && Enum.TryParse<TEnum>(text.Trim(), ignoreCase: true, out var value) && Enum.IsDefined(value)
            && !int.TryParse(text, out _))
        {
            return value;
        }
        throw PlmRuleException.Invalid("invalid-" + field.ToLowerInvariant(),
            $"{field} '{text}' is not one of: {string.Join(", ", Enum.GetNames<TEnum>())}.");
    }

    public static string Required(string? text, string field) =>
        string.IsNullOrWhiteSpace(text) ? throw PlmRuleException.Invalid("missing-" + field.ToLowerInvariant(), $"{field} is required.") : text.Trim();
}
