using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Threadline.Api;
using Threadline.Plm;
using Threadline.Plm.Import;

namespace Threadline.Features.Plm.Import;

/// <summary>
/// Reads the BOM import CSV (docs/import-formats.md): one row per parent-revision-to-child line, with a header.
/// Every row that cannot be understood becomes a <see cref="RejectedRow"/> with its physical line number.
/// </summary>
public static class BomCsvReader
{
    public static readonly string[] RequiredColumns = ["parent", "parent_revision", "find_number", "child", "child_revision", "quantity"];

    public static readonly string[] OptionalColumns =
    [
        "parent_name", "parent_released", "child_name", "child_kind", "child_uom", "child_released",
        "ref_des", "pin_revision", "serial_from", "serial_to", "date_from", "date_to", "lots",
    ];

    /// <summary>Thrown when the file as a whole cannot be read (no header, a required column missing).</summary>
    public sealed class UnreadableFileException(string message) : Exception(message);

    public static (List<BomImportRow> Rows, List<RejectedRow> Errors) Read(TextReader reader, Action<int>? rowRead = null)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            BadDataFound = null,
            DetectColumnCountChanges = false,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            throw new UnreadableFileException("The file is empty: the first line must be the header.");
        }
        var header = csv.HeaderRecord.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new UnreadableFileException($"Line 1 (header) lacks the required column(s) {string.Join(", ", missing)}. Required: {string.Join(", ", RequiredColumns)}.");
        }
        var unknown = header.Where(h => !RequiredColumns.Contains(h) && !OptionalColumns.Contains(h)).ToList();
        if (unknown.Count > 0)
        {
            throw new UnreadableFileException($"Line 1 (header) has column(s) this format does not know: {string.Join(", ", unknown)}. Known: {string.Join(", ", RequiredColumns.Concat(OptionalColumns))}.");
        }

        var rows = new List<BomImportRow>();
        var errors = new List<RejectedRow>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            string? Field(string name) => header.Contains(name) && csv.TryGetField<string>(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
            if (csv.Parser.Record is { } record && record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            try
            {
                rows.Add(ParseRow(line, Field));
            }
            catch (Exception ex) when (ex is PlmRuleException or FormatException)
            {
                errors.Add(new RejectedRow(line, ex.Message, Field("parent"), Field("parent_revision")));
            }
            rowRead?.Invoke(line);
        }
        return (rows, errors);
    }

    private static BomImportRow ParseRow(int line, Func<string, string?> field)
    {
        string Required(string name) => field(name) ?? throw PlmRuleException.Invalid("missing-field", $"{name} is empty.");
        var quantityText = Required("quantity");
        if (!decimal.TryParse(quantityText, NumberStyles.Number, CultureInfo.InvariantCulture, out var quantity))
        {
            throw PlmRuleException.Invalid("invalid-quantity", $"quantity '{quantityText}' is not a number (use '.' for decimals).");
        }
        if (quantity <= 0)
        {
            throw PlmRuleException.Invalid("invalid-quantity", $"quantity must be greater than zero, not {quantityText}.");
        }
        var child = Required("child");
        var childRevision = Required("child_revision");
        var pin = field("pin_revision") switch
        {
            null or "no" or "false" or "0" => false,
            "yes" or "true" or "1" => true,
            var other => throw PlmRuleException.Invalid("invalid-pin", $"pin_revision '{other}' must be yes or no."),
        };
        var effectivity = new Effectivity(
            RequestValues.ParseOptionalSerial(field("serial_from"), "serial_from"),
            RequestValues.ParseOptionalSerial(field("serial_to"), "serial_to"),
            RequestValues.ParseOptionalInstant(field("date_from"), "date_from"),
            RequestValues.ParseOptionalInstant(field("date_to"), "date_to"),
            SplitList(field("lots")));
        if (effectivity.Problem() is { } problem)
        {
            throw PlmRuleException.Invalid("effectivity-inverted", problem + ".");
        }
        return new BomImportRow(
            line,
            Required("parent"),
            Required("parent_revision"),
            field("parent_name"),
            RequestValues.ParseOptionalInstant(field("parent_released"), "parent_released"),
            new BomLine(Required("find_number"), child, quantity, SplitList(field("ref_des")), pin ? childRevision : null, effectivity),
            field("child_name") ?? child,
            field("child_kind") is { } kind ? RequestValues.ParseEnum<ItemKind>(kind, "child_kind") : ItemKind.Part,
            field("child_uom"),
            childRevision,
            RequestValues.ParseOptionalInstant(field("child_released"), "child_released"));
    }

    private static List<string> SplitList(string? text) =>
        text is null ? [] : [.. text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
