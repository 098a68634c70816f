using System.Globalization;
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

    public static (List<BomImportRow> Rows, List<RejectedRow> Errors) Read(TextReader reader, Action<int>? rowRead = null) =>
        CsvImport.Read(reader, RequiredColumns, OptionalColumns, ParseRow,
            field => new RejectedRowContext(field("parent"), field("parent_revision")), rowRead);

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
            CsvImport.SplitList(field("lots")));
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
            new BomLine(Required("find_number"), child, quantity, CsvImport.SplitList(field("ref_des")), pin ? childRevision : null, effectivity),
            field("child_name") ?? child,
            field("child_kind") is { } kind ? RequestValues.ParseEnum<ItemKind>(kind, "child_kind") : ItemKind.Part,
            field("child_uom"),
            childRevision,
            RequestValues.ParseOptionalInstant(field("child_released"), "child_released"));
    }

}
