using Microsoft.EntityFrameworkCore;
using Threadline.Assets;
using Threadline.Events;
using Threadline.Plm;
using Threadline.Storage;

namespace Threadline.Features.Assets;

/// <summary>Reads and writes installed-base records on either provider; one asset's history is read per question.</summary>
public sealed class AssetStore(ThreadlineDb db)
{
    public async Task<IReadOnlyList<AssetFamily>> FamiliesAsync(CancellationToken ct)
    {
        await using var context = db.CreateContext();
        return [.. (await context.AssetFamilies.AsNoTracking().ToListAsync(ct)).Select(r => new AssetFamily(r.Prefix, r.PlmUrl, r.Pattern, r.SerialDigits))];
    }

    public async Task PutFamilyAsync(AssetFamily family, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var row = await context.AssetFamilies.FindAsync([family.Prefix], ct);
        if (row is null)
        {
            context.AssetFamilies.Add(new AssetFamilyRow { Prefix = family.Prefix, PlmUrl = family.PlmUrl, Pattern = family.Pattern, SerialDigits = family.SerialDigits });
        }
        else
        {
            (row.PlmUrl, row.Pattern, row.SerialDigits) = (family.PlmUrl, family.Pattern, family.SerialDigits);
        }
        await context.SaveChangesAsync(ct);
    }

    public async Task<Asset?> FindAsync(string assetId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var row = await context.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
        return row is null ? null : ToDomain(row);
    }

    public async Task<Asset?> FindByDeviceAsync(string iotDeviceId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var row = await context.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.IotDeviceId == iotDeviceId, ct);
        return row is null ? null : ToDomain(row);
    }

    public async Task<Asset?> FindBySerialAsync(string item, SerialNumber serial, CancellationToken ct)
    {
        var key = serial.Key;
        await using var context = db.CreateContext();
        var row = await context.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Item == item && a.SerialKey == key, ct);
        return row is null ? null : ToDomain(row);
    }

    public async Task<bool> DeviceTakenAsync(string iotDeviceId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        return await context.Assets.AnyAsync(a => a.IotDeviceId == iotDeviceId, ct);
    }

    public async Task InsertAsync(IReadOnlyList<Asset> assets, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        context.Assets.AddRange(assets.Select(ToRow));
        await context.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<Asset>> ListAsync(string? item, string? revision, SitePath? site, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var query = context.Assets.AsNoTracking();
        if (item is not null)
        {
            query = query.Where(a => a.Item == item);
        }
        if (revision is not null)
        {
            query = query.Where(a => a.Revision == revision);
        }
        if (site is { } scope)
        {
            var below = scope.Value + "/";
            query = query.Where(a => a.Site == scope.Value || a.Site!.StartsWith(below));
        }
        return [.. (await query.OrderBy(a => a.Id).ToListAsync(ct)).Select(ToDomain)];
    }

    public async Task<(Asset Asset, IReadOnlyList<AsBuiltComponent> AsBuilt, IReadOnlyList<ServiceEvent> Events)?> HistoryAsync(string assetId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var row = await context.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (row is null)
        {
            return null;
        }
        var built = await context.AsBuilt.AsNoTracking().Where(b => b.AssetId == assetId).OrderBy(b => b.Position).ToListAsync(ct);
        var events = await context.ServiceEvents.AsNoTracking().Where(e => e.AssetId == assetId).ToListAsync(ct);
        // Ordered here: SQLite cannot order by a DateTimeOffset column.
        return (ToDomain(row), [.. built.Select(ToDomain)], [.. events.OrderBy(e => e.At).ThenBy(e => e.Id).Select(ToDomain)]);
    }

    /// <summary>
    /// The as-built records and service events of many assets, read a chunk of assets at a time (one query per table and
    /// chunk rather than two per asset); events in (time, id) order per asset.
    /// </summary>
    public async IAsyncEnumerable<(Asset Asset, IReadOnlyList<AsBuiltComponent> AsBuilt, IReadOnlyList<ServiceEvent> Events)> HistoriesAsync(
        IReadOnlyList<Asset> assets, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct, int chunkSize = 500)
    {
        foreach (var chunk in assets.Chunk(chunkSize))
        {
            var ids = chunk.Select(a => a.Id).ToList();
            await using var context = db.CreateContext();
            var built = (await context.AsBuilt.AsNoTracking().Where(b => ids.Contains(b.AssetId)).ToListAsync(ct))
                .ToLookup(b => b.AssetId, StringComparer.Ordinal);
            var events = (await context.ServiceEvents.AsNoTracking().Where(e => ids.Contains(e.AssetId)).ToListAsync(ct))
                .ToLookup(e => e.AssetId, StringComparer.Ordinal);
            foreach (var asset in chunk)
            {
                yield return (asset, [.. built[asset.Id].OrderBy(b => b.Position).Select(ToDomain)],
                    [.. events[asset.Id].OrderBy(e => e.At).ThenBy(e => e.Id).Select(ToDomain)]);
            }
        }
    }

    public async Task ReplaceAsBuiltAsync(string assetId, IReadOnlyList<AsBuiltComponent> components, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        await using var transaction = await context.Database.BeginTransactionAsync(ct);
        await context.AsBuilt.Where(b => b.AssetId == assetId).ExecuteDeleteAsync(ct);
        context.AsBuilt.AddRange(components.Select((c, i) => new AsBuiltRow
        {
            AssetId = assetId, Position = i, FindNumberPath = c.FindNumberPath, Item = c.Item, Revision = c.Revision,
            Serial = c.Serial, Lot = c.Lot, Substitutes = c.Substitutes,
        }));
        await context.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<ServiceEvent> AddServiceEventAsync(string assetId, ServiceEvent e, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var row = new ServiceEventRow
        {
            AssetId = assetId, Kind = e.Kind.ToString(), Component = e.Component, RemovedSerial = e.RemovedSerial,
            InstalledItem = e.Installed?.Item, InstalledRevision = e.Installed?.Revision, InstalledSerial = e.Installed?.Serial,
            InstalledLot = e.Installed?.Lot, OperatingHours = e.OperatingHours, Technician = e.Technician, At = e.At,
            RecordedAt = e.RecordedAt, Notes = e.Notes,
        };
        context.ServiceEvents.Add(row);
        await context.SaveChangesAsync(ct);
        return e with { Sequence = row.Id };
    }

    public async Task SetRetiredAsync(string assetId, bool retired, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        await context.Assets.Where(a => a.Id == assetId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Retired, retired), ct);
    }

    public async Task<IReadOnlyList<string>> TargetsAsync(CancellationToken ct)
    {
        await using var context = db.CreateContext();
        return await context.AssetTargets.AsNoTracking().OrderBy(t => t.Id).Select(t => t.Id).ToListAsync(ct);
    }

    public async Task ReplaceTargetsAsync(IReadOnlyList<string> ids, string? source, DateTimeOffset now, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        await using var transaction = await context.Database.BeginTransactionAsync(ct);
        await context.AssetTargets.ExecuteDeleteAsync(ct);
        context.AssetTargets.AddRange(ids.Distinct(StringComparer.Ordinal).Select(id => new AssetTargetRow { Id = id, Source = source, AddedAt = now }));
        await context.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async Task AppendEventsAsync(IReadOnlyList<AssetEventRow> rows, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        context.AssetEvents.AddRange(rows);
        await context.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<AssetEventRow>> EventsAsync(string assetId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var query = context.AssetEvents.AsNoTracking().Where(e => e.AssetId == assetId);
        if (from is { } f)
        {
            var since = f.ToUnixTimeMilliseconds();
            query = query.Where(e => e.AtUnixMs >= since);
        }
        if (to is { } t)
        {
            var until = t.ToUnixTimeMilliseconds();
            query = query.Where(e => e.AtUnixMs < until);
        }
        var rows = await query.OrderByDescending(e => e.AtUnixMs).ThenByDescending(e => e.Id).Take(limit).ToListAsync(ct);
        rows.Reverse();
        return rows;
    }

    /// <summary>
    /// Alerts raised in [from, to) that match every filter given, oldest first, at most <see cref="AlertQuery.Limit"/>:
    /// one range scan of the (kind, failure mode, item, revision, time) index or of the (kind, item, revision, time) one,
    /// then one look-up by alert id for the later steps of the alerts found.
    /// </summary>
    public async Task<IReadOnlyList<FleetAlert>> AlertsAsync(AlertQuery q, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var raised = await RaisedAlerts(context, q).ToListAsync(ct);
        var ids = raised.Select(r => r.AlertId).ToList();
        var later = (await context.AssetEvents.AsNoTracking()
                .Where(e => ids.Contains(e.AlertId) && e.Kind != AssetEventKind.AlertRaised).ToListAsync(ct))
            .ToLookup(e => e.AlertId, StringComparer.Ordinal);
        return [.. raised.Select(r =>
        {
            var steps = later[r.AlertId].OrderBy(e => e.AtUnixMs).ThenBy(e => e.Id).ToList();
            var cleared = steps.FirstOrDefault(e => e.Kind == AssetEventKind.AlertCleared);
            var severity = steps.LastOrDefault(e => e.Kind == AssetEventKind.AlertChanged)?.Severity ?? r.Severity;
            return new FleetAlert(r, severity, cleared?.At);
        })];
    }

    /// <summary>The one query of <see cref="AlertsAsync"/> that finds the raises (tests read its plan).</summary>
    internal static IQueryable<AssetEventRow> RaisedAlerts(ThreadlineDbContext context, AlertQuery q)
    {
        var (from, to) = (q.From.ToUnixTimeMilliseconds(), q.To.ToUnixTimeMilliseconds());
        var query = context.AssetEvents.AsNoTracking().Where(e => e.Kind == AssetEventKind.AlertRaised && e.AtUnixMs >= from && e.AtUnixMs < to);
        if (q.FailureMode is { } mode)
        {
            query = query.Where(e => e.FailureMode == mode);
        }
        if (q.Item is { } item)
        {
            query = query.Where(e => e.Item == item);
        }
        if (q.Revision is { } revision)
        {
            query = query.Where(e => e.Revision == revision);
        }
        if (q.Kind is { } kind)
        {
            query = query.Where(e => e.AlertKind == kind);
        }
        if (q.Signal is { } signal)
        {
            query = query.Where(e => e.Signal == signal);
        }
        if (q.Severity is { } severity)
        {
            query = query.Where(e => e.Severity == severity);
        }
        if (q.Site is { } site)
        {
            var below = site.Value + "/";
            query = query.Where(e => e.Site == site.Value || e.Site!.StartsWith(below));
        }
        return query.OrderBy(e => e.AtUnixMs).ThenBy(e => e.Id).Take(q.Limit);
    }

    public async Task AddTriageAsync(TriageRow row, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        context.Triage.Add(row);
        await context.SaveChangesAsync(ct);
    }

    public async Task<IReadOnlyList<TriageRow>> OpenTriageAsync(CancellationToken ct)
    {
        await using var context = db.CreateContext();
        return await context.Triage.AsNoTracking().Where(t => !t.Closed).OrderBy(t => t.Id).ToListAsync(ct);
    }

    private static Asset ToDomain(AssetRow row) => new(
        row.Id, row.Family, SerialNumber.Parse(row.Serial), row.Item, row.Revision, row.IotDeviceId,
        row.Site is null ? null : SitePath.Parse(row.Site), row.ShipDate, row.RegisteredAt, row.Retired, row.LegacyIds);

    private static AssetRow ToRow(Asset asset) => new()
    {
        Id = asset.Id, Family = asset.Family, Serial = asset.Serial.Value, SerialKey = asset.Serial.Key, Item = asset.Item,
        Revision = asset.Revision, IotDeviceId = asset.IotDeviceId, Site = asset.Site?.Value, ShipDate = asset.ShipDate,
        RegisteredAt = asset.RegisteredAt, Retired = asset.Retired, LegacyIds = [.. asset.LegacyIds],
    };

    private static AsBuiltComponent ToDomain(AsBuiltRow row) => new(row.FindNumberPath, row.Item, row.Revision, row.Serial, row.Lot, row.Substitutes);

    private static ServiceEvent ToDomain(ServiceEventRow row) => new(
        row.Id, Enum.Parse<ServiceEventKind>(row.Kind), row.Component, row.RemovedSerial,
        row.InstalledItem is null ? null : new InstalledPart(row.InstalledItem, row.InstalledRevision!, row.InstalledSerial, row.InstalledLot),
        row.OperatingHours, row.Technician, row.At, row.RecordedAt, row.Notes);
}

/// <summary>
/// A fleet question about alerts: those raised in [<see cref="From"/>, <see cref="To"/>) (source clock) matching every
/// filter that is set; <see cref="Site"/> matches that path and everything below it.
/// </summary>
public sealed record AlertQuery(
    DateTimeOffset From, DateTimeOffset To, int Limit, AlertKind? Kind = null, string? FailureMode = null, string? Item = null,
    string? Revision = null, string? Signal = null, LimitSeverity? Severity = null, SitePath? Site = null);

/// <summary>An alert found by a fleet question: its raise, the severity it is at now (after any change of band), and when it cleared (null: active).</summary>
public sealed record FleetAlert(AssetEventRow Raised, LimitSeverity? Severity, DateTimeOffset? ClearedAt);
