using Threadline.Plm;
using Threadline.Plm.Import;

namespace Threadline.Assets.Import;

/// <summary>One data row of an asset import file, with its physical line number.</summary>
public sealed record AssetImportRow(int Line, NewAsset Spec);

/// <summary>A row whose raw asset ID was repaired by rule or kept as a legacy alias of the unit's ID.</summary>
public sealed record RenamedRow(int Line, string Given, string AssetId, bool KeptAsAlias);

public sealed record AssetImportReport(int Rows, int Registered, int Unchanged, IReadOnlyList<RenamedRow> Renamed, IReadOnlyList<RejectedRow> Rejected)
{
    public bool Clean => Rejected.Count == 0;
}

/// <summary>
/// Decides what an asset import does, row by row, against the PLM snapshot and the units already registered: a row
/// for a unit already registered with the same data changes nothing (so a second run of a file is a no-op); a row
/// that disagrees with the registered unit, names another unit in its ID, or repeats an earlier row is refused
/// with its line number. Good rows load even when others are refused.
/// </summary>
public static class AssetImportPlan
{
    public static (IReadOnlyList<Asset> ToRegister, AssetImportReport Report) Apply(
        IReadOnlyList<AssetImportRow> rows, IReadOnlyList<RejectedRow> unreadable, PlmCatalog catalog, AssetFamilyTable families,
        IReadOnlyList<Asset> existing, DateTimeOffset now)
    {
        var rejected = new List<RejectedRow>(unreadable);
        var renamed = new List<RenamedRow>();
        var toRegister = new List<Asset>();
        var unchanged = 0;
        var bySerial = existing.ToDictionary(a => (a.Item.ToUpperInvariant(), a.Serial.Key));
        var byDevice = existing.Where(a => a.IotDeviceId is not null).ToDictionary(a => a.IotDeviceId!, a => a.Id, StringComparer.Ordinal);
        var lineOfId = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineOfDevice = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var row in rows)
        {
            try
            {
                var asset = AssetRules.Register(row.Spec with { AssetId = null, LegacyIds = null }, catalog, families, now);
                RenamedRow? rename = null;
                if (row.Spec.AssetId is { } given && given != asset.Id)
                {
                    rename = Rename(row.Line, given, asset, families);
                    asset = asset with { LegacyIds = [.. asset.LegacyIds, given] };
                }
                if (lineOfId.TryGetValue(asset.Id, out var earlier))
                {
                    throw PlmRuleException.Conflict("duplicate-row", $"Same unit ({asset.Id}) as line {earlier}.");
                }
                lineOfId[asset.Id] = row.Line;
                if (bySerial.TryGetValue((asset.Item.ToUpperInvariant(), asset.Serial.Key), out var registered))
                {
                    var differences = Differences(registered, asset);
                    if (differences.Count > 0)
                    {
                        throw PlmRuleException.Conflict("duplicate-serial",
                            $"Serial {asset.Serial} is already registered as {registered.Id} with other data: {string.Join("; ", differences)}.");
                    }
                    unchanged++;
                    continue;
                }
                if (asset.IotDeviceId is { } device)
                {
                    if (byDevice.TryGetValue(device, out var holder))
                    {
                        throw PlmRuleException.Conflict("duplicate-device", $"IoT device '{device}' is already linked to {holder}.");
                    }
                    if (lineOfDevice.TryGetValue(device, out var deviceLine))
                    {
                        throw PlmRuleException.Conflict("duplicate-device", $"IoT device '{device}' is also on line {deviceLine}.");
                    }
                    lineOfDevice[device] = row.Line;
                }
                if (rename is not null)
                {
                    renamed.Add(rename);
                }
                toRegister.Add(asset);
            }
            catch (PlmRuleException ex)
            {
                rejected.Add(new RejectedRow(row.Line, ex.Message));
            }
        }
        var report = new AssetImportReport(rows.Count + unreadable.Count, toRegister.Count, unchanged, renamed, [.. rejected.OrderBy(r => r.Line)]);
        return (toRegister, report);
    }

    private static RenamedRow Rename(int line, string given, Asset asset, AssetFamilyTable families)
    {
        var family = families.Route(given);
        var parsed = family?.TryNormalise(given);
        if (parsed is null)
        {
            // Not an ID of any family's pattern: an old naming scheme, kept so the old name still finds the unit.
            return new RenamedRow(line, given, asset.Id, KeptAsAlias: true);
        }
        if (parsed.CanonicalId == asset.Id)
        {
            return new RenamedRow(line, given, asset.Id, KeptAsAlias: false);
        }
        throw PlmRuleException.Conflict("asset-id-mismatch",
            $"asset_id '{given}' names unit {parsed.CanonicalId}, but this row's serial {asset.Serial} and revision {asset.Revision} make {asset.Id}.");
    }

    private static List<string> Differences(Asset registered, Asset row)
    {
        var differences = new List<string>();
        void Compare(string name, string? was, string? now)
        {
            if (!string.Equals(was ?? "", now ?? "", StringComparison.OrdinalIgnoreCase))
            {
                differences.Add($"{name} {was ?? "(none)"} → {now ?? "(none)"}");
            }
        }
        Compare("revision", registered.Revision, row.Revision);
        Compare("site", registered.Site?.Value, row.Site?.Value);
        Compare("iot_device_id", registered.IotDeviceId, row.IotDeviceId);
        Compare("ship_date", registered.ShipDate?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            row.ShipDate?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        return differences;
    }
}
