using Threadline.Api;
using Threadline.Assets;
using Threadline.Assets.Import;
using Threadline.Plm.Import;

namespace Threadline.Features.Assets.Import;

/// <summary>Reads the asset and as-built import CSVs (docs/import-formats.md).</summary>
public static class AssetCsvReader
{
    public static readonly string[] AssetColumns = ["serial", "item"];
    public static readonly string[] OptionalAssetColumns = ["revision", "asset_id", "iot_device_id", "site", "ship_date", "legacy_ids"];
    public static readonly string[] AsBuiltColumns = ["asset_id", "item", "revision"];
    public static readonly string[] OptionalAsBuiltColumns = ["find_number", "serial", "lot", "substitutes"];

    public static (List<AssetImportRow> Rows, List<RejectedRow> Errors) ReadAssets(TextReader reader, Action<int>? rowRead = null) =>
        CsvImport.Read(reader, AssetColumns, OptionalAssetColumns, (line, field) => new AssetImportRow(line, new NewAsset(
            field("serial") ?? throw Missing("serial"),
            field("item") ?? throw Missing("item"),
            field("revision"),
            field("iot_device_id"),
            field("site"),
            RequestValues.ParseOptionalInstant(field("ship_date"), "ship_date"),
            field("asset_id"),
            CsvImport.SplitList(field("legacy_ids")))), rowRead: rowRead);

    public static (List<(int Line, string AssetId, AsBuiltComponent Component)> Rows, List<RejectedRow> Errors) ReadAsBuilt(TextReader reader, Action<int>? rowRead = null) =>
        CsvImport.Read(reader, AsBuiltColumns, OptionalAsBuiltColumns, (line, field) => (line,
            field("asset_id") ?? throw Missing("asset_id"),
            new AsBuiltComponent(field("find_number"), field("item") ?? throw Missing("item"), field("revision") ?? throw Missing("revision"),
                field("serial"), field("lot"), field("substitutes"))), rowRead: rowRead);

    private static Threadline.Plm.PlmRuleException Missing(string column) =>
        Threadline.Plm.PlmRuleException.Invalid("missing-field", $"{column} is empty.");
}
