using Threadline.Plm;

namespace Threadline.Assets;

/// <summary>Why an asset ID does not resolve to a released PLM BOM. The API writes these in kebab case.</summary>
public enum UnresolvedReason
{
    MalformedId,
    UnknownPrefix,
    ExternalPlm,
    UnknownAsset,
    Duplicate,
    UnknownItem,
    UnknownRevision,
    DraftRevision,
    SerialOutsideEffectivity,

    /// <summary>Telemetry arrived from an IoT device id that no asset carries.</summary>
    UnknownDevice,
}

public sealed record UnresolvedAsset(string AssetId, UnresolvedReason Reason, string Detail, string? Proposal);

/// <summary>
/// The validation gate's answer: of <see cref="Total"/> targeted IDs (every registered asset and every ID the IoT side
/// is known to use), how many resolve to a released BOM. End-of-life units resolve and are listed apart.
/// </summary>
public sealed record ValidationReport(int Total, int Resolved, IReadOnlyList<UnresolvedAsset> Unresolved, IReadOnlyList<string> EndOfLife)
{
    public double ResolvedShare => Total == 0 ? 1 : (double)Resolved / Total;
}

/// <summary>
/// The gate before telemetry is trusted: "100% of targeted asset IDs must resolve to a valid, released PLM BOM".
/// </summary>
public static class AssetValidation
{
    public static ValidationReport Run(IReadOnlyList<Asset> assets, IEnumerable<string> targetIds, PlmCatalog catalog, AssetFamilyTable families,
        IEnumerable<string>? unknownDevices = null)
    {
        var unresolved = new List<UnresolvedAsset>();
        var endOfLife = new List<string>();
        var registered = new HashSet<string>(assets.Select(a => a.Id), StringComparer.Ordinal);
        var total = 0;
        foreach (var asset in assets)
        {
            total++;
            if (Check(asset, catalog) is { } problem)
            {
                unresolved.Add(problem);
            }
            else if (asset.StatusIn(catalog) == AssetStatus.EndOfLife)
            {
                endOfLife.Add(asset.Id);
            }
        }

        var remediation = new AssetIdRemediation(families,
            assets.Select(a => KeyValuePair.Create(a.Id, a.Id)).Concat(assets.SelectMany(a => a.LegacyIds.Select(l => KeyValuePair.Create(l, a.Id)))));
        var legacy = new HashSet<string>(assets.SelectMany(a => a.LegacyIds), StringComparer.Ordinal);
        var seenCanonical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var target in targetIds.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (registered.Contains(target))
            {
                continue;
            }
            total++;
            if (legacy.Contains(target))
            {
                continue;
            }
            var family = families.Route(target);
            if (family is { IsLocal: false })
            {
                unresolved.Add(new(target, UnresolvedReason.ExternalPlm, $"Family {family.Prefix} is held by the PLM at {family.PlmUrl}; validate it there.", null));
                continue;
            }
            var result = remediation.Propose(target);
            if (result.Canonical is { } canonical && !seenCanonical.TryAdd(canonical, target))
            {
                unresolved.Add(new(target, UnresolvedReason.Duplicate, $"Same unit as '{seenCanonical[canonical]}' ({canonical}) written another way.", result.Proposal ?? canonical));
                continue;
            }
            unresolved.Add(result.Status switch
            {
                RemediationStatus.UnknownPrefix => new(target, UnresolvedReason.UnknownPrefix, result.Reason, null),
                RemediationStatus.Normalised => new(target, UnresolvedReason.MalformedId, $"Not the canonical form; {result.Reason}", result.Proposal),
                RemediationStatus.Unknown => new(target, UnresolvedReason.UnknownAsset, result.Reason, null),
                RemediationStatus.NearMatch or RemediationStatus.Ambiguous when result.Canonical is not null && result.Canonical == target =>
                    new(target, UnresolvedReason.UnknownAsset, result.Reason, result.Proposal),
                _ => new(target, UnresolvedReason.MalformedId, result.Reason, result.Proposal),
            });
        }
        var devices = new HashSet<string>(assets.Select(a => a.IotDeviceId).OfType<string>(), StringComparer.Ordinal);
        foreach (var device in (unknownDevices ?? []).Distinct(StringComparer.Ordinal).Where(d => !devices.Contains(d)))
        {
            total++;
            unresolved.Add(new(device, UnresolvedReason.UnknownDevice,
                $"Telemetry arrives from IoT device '{device}', which no registered asset carries; register the unit with this iotDeviceId.", null));
        }
        return new ValidationReport(total, total - unresolved.Count, unresolved, endOfLife);
    }

    /// <summary>Whether one registered asset resolves to a released BOM, and if not, why.</summary>
    public static UnresolvedAsset? Check(Asset asset, PlmCatalog catalog)
    {
        if (catalog.Find(asset.Item) is not { } item)
        {
            return new(asset.Id, UnresolvedReason.UnknownItem, $"Item '{asset.Item}' does not exist in the PLM.", null);
        }
        if (item.FindRevision(asset.Revision) is not { } revision)
        {
            return new(asset.Id, UnresolvedReason.UnknownRevision, $"Item '{item.Number}' has no revision '{asset.Revision}'.", null);
        }
        if (revision.State is LifecycleState.Draft or LifecycleState.InReview)
        {
            return new(asset.Id, UnresolvedReason.DraftRevision, $"Revision {item.Number}/{revision.Code} is {revision.State}, not released.",
                item.CurrentRelease?.Code is { } released ? $"{item.Number}/{released}" : null);
        }
        // A find number whose every alternative is bounded by serial must have one alternative for this serial;
        // otherwise the released BOM has no answer for the unit at that position.
        foreach (var group in revision.Bom.GroupBy(l => l.FindNumber, StringComparer.OrdinalIgnoreCase))
        {
            var serialBounded = group.All(l => l.Effectivity.SerialFrom is not null || l.Effectivity.SerialTo is not null);
            var covered = group.Any(l => (l.Effectivity.SerialFrom is not { } from || asset.Serial >= from) && (l.Effectivity.SerialTo is not { } to || asset.Serial <= to));
            if (serialBounded && !covered)
            {
                var ranges = string.Join("; ", group.Select(l => $"{l.Child} {l.Effectivity.SerialFrom?.Value ?? "…"}–{l.Effectivity.SerialTo?.Value ?? "…"}"));
                return new(asset.Id, UnresolvedReason.SerialOutsideEffectivity,
                    $"Serial {asset.Serial} is outside every serial range at find number {group.Key} of {item.Number}/{revision.Code} ({ranges}).", null);
            }
        }
        return null;
    }
}
