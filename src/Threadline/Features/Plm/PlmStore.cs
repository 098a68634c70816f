using Microsoft.EntityFrameworkCore;
using Threadline.Common;
using Threadline.Plm;
using Threadline.Storage;
using Threadline.Twins;

namespace Threadline.Features.Plm;

/// <summary>Reads the whole PLM catalog into a snapshot and writes changed items back, on either provider.</summary>
public sealed class PlmStore(ThreadlineDb db)
{
    public async Task<long> ReadVersionAsync(CancellationToken cancellationToken)
    {
        await using var context = db.CreateContext();
        return await context.CatalogVersion.AsNoTracking().Where(v => v.Id == 1).Select(v => v.Version).SingleAsync(cancellationToken);
    }

    public async Task<(PlmCatalog Catalog, long Version)> LoadAsync(CancellationToken cancellationToken)
    {
        await using var context = db.CreateContext();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var version = await context.CatalogVersion.AsNoTracking().Where(v => v.Id == 1).Select(v => v.Version).SingleAsync(cancellationToken);
        var items = await context.Items.AsNoTracking().ToListAsync(cancellationToken);
        var revisions = (await context.Revisions.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(r => r.ItemNumber, StringComparer.OrdinalIgnoreCase);
        var lines = (await context.BomLines.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(l => (l.ItemNumber, l.RevisionCode));
        var limits = (await context.DesignLimits.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(l => (l.ItemNumber, l.RevisionCode));
        var services = (await context.ServiceBomEntries.AsNoTracking().ToListAsync(cancellationToken)).ToLookup(l => (l.ItemNumber, l.RevisionCode));
        await transaction.CommitAsync(cancellationToken);

        var domain = items.Select(i => new Item(i.Number, i.Name, Enum.Parse<ItemKind>(i.Kind), i.Uom, i.Family,
            revisions[i.Number].OrderBy(r => r.Ordinal).Select(r => new ItemRevision(
                r.Code, Enum.Parse<LifecycleState>(r.State), r.CreatedAt, r.EffectiveFrom, r.SupersededAt,
                lines[(r.ItemNumber, r.Code)].OrderBy(l => l.Position).Select(ToDomain).ToList(),
                limits[(r.ItemNumber, r.Code)].OrderBy(l => l.Position)
                    .Select(l => new DesignLimit(l.Signal, l.Min, l.Max, l.Unit, Enum.Parse<LimitSeverity>(l.Severity))).ToList(),
                services[(r.ItemNumber, r.Code)].OrderBy(s => s.Position)
                    .Select(s => new ServiceBomEntry(s.FindNumberPath, s.CoveredItem, s.ReplacementIntervalHours, s.ServiceParts, s.LabourOperation)).ToList(),
                r.TwinModel is { } document ? TwinModelJson.Parse(document) : null))
            .ToList()));
        return (new PlmCatalog(domain), version);
    }

    /// <summary>
    /// Writes the changed items in one transaction, provided nobody wrote since <paramref name="expectedVersion"/>.
    /// Returns false, having written nothing, when somebody did.
    /// </summary>
    public async Task<bool> SaveAsync(IReadOnlyCollection<Item> changed, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var context = db.CreateContext();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken);
        var bumped = await context.CatalogVersion
            .Where(v => v.Id == 1 && v.Version == expectedVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Version, v => v.Version + 1), cancellationToken);
        if (bumped == 0)
        {
            return false;
        }

        var numbers = changed.Select(i => i.Number).ToList();
        await context.BomLines.Where(l => numbers.Contains(l.ItemNumber)).ExecuteDeleteAsync(cancellationToken);
        await context.DesignLimits.Where(l => numbers.Contains(l.ItemNumber)).ExecuteDeleteAsync(cancellationToken);
        await context.ServiceBomEntries.Where(l => numbers.Contains(l.ItemNumber)).ExecuteDeleteAsync(cancellationToken);
        await context.Revisions.Where(r => numbers.Contains(r.ItemNumber)).ExecuteDeleteAsync(cancellationToken);
        var existing = await context.Items.Where(i => numbers.Contains(i.Number)).ToDictionaryAsync(i => i.Number, cancellationToken);

        // Items first: a new child must exist before a line that names it.
        foreach (var item in changed)
        {
            if (existing.TryGetValue(item.Number, out var row))
            {
                row.Name = item.Name;
                row.Kind = item.Kind.ToString();
                row.Uom = item.Uom;
                row.Family = item.Family;
            }
            else
            {
                context.Items.Add(new ItemRow
                {
                    Number = item.Number, NumberKey = item.Number.ToUpperInvariant(), Name = item.Name,
                    Kind = item.Kind.ToString(), Uom = item.Uom, Family = item.Family,
                });
            }
        }
        await context.SaveChangesAsync(cancellationToken);

        foreach (var item in changed)
        {
            for (var r = 0; r < item.Revisions.Count; r++)
            {
                var revision = item.Revisions[r];
                context.Revisions.Add(new RevisionRow
                {
                    ItemNumber = item.Number, Code = revision.Code, Ordinal = r, State = revision.State.ToString(),
                    CreatedAt = revision.CreatedAt.ToUniversalTime(), EffectiveFrom = revision.EffectiveFrom?.ToUniversalTime(),
                    SupersededAt = revision.SupersededAt?.ToUniversalTime(),
                    TwinModel = revision.TwinModel?.CanonicalJson,
                });
                AddContent(context, item.Number, revision);
            }
        }
        await context.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static void AddContent(ThreadlineDbContext context, string number, ItemRevision revision)
    {
        for (var i = 0; i < revision.Bom.Count; i++)
        {
            var line = revision.Bom[i];
            context.BomLines.Add(new BomLineRow
            {
                ItemNumber = number, RevisionCode = revision.Code, Position = i, FindNumber = line.FindNumber,
                ChildNumber = line.Child, Quantity = line.Quantity, ReferenceDesignators = [.. line.ReferenceDesignators],
                PinnedRevision = line.PinnedRevision, SerialFrom = line.Effectivity.SerialFrom?.Value,
                SerialTo = line.Effectivity.SerialTo?.Value, DateFrom = line.Effectivity.DateFrom?.ToUniversalTime(),
                DateTo = line.Effectivity.DateTo?.ToUniversalTime(), Lots = [.. line.Effectivity.Lots],
            });
        }
        for (var i = 0; i < revision.Limits.Count; i++)
        {
            var limit = revision.Limits[i];
            context.DesignLimits.Add(new DesignLimitRow
            {
                ItemNumber = number, RevisionCode = revision.Code, Position = i, Signal = limit.Signal,
                Min = limit.Min, Max = limit.Max, Unit = limit.Unit, Severity = limit.Severity.ToString(),
            });
        }
        for (var i = 0; i < revision.ServiceBom.Count; i++)
        {
            var entry = revision.ServiceBom[i];
            context.ServiceBomEntries.Add(new ServiceBomRow
            {
                ItemNumber = number, RevisionCode = revision.Code, Position = i, FindNumberPath = entry.FindNumberPath,
                CoveredItem = entry.Item, ReplacementIntervalHours = entry.ReplacementIntervalHours,
                ServiceParts = [.. entry.ServiceParts], LabourOperation = entry.LabourOperation,
            });
        }
    }

    private static BomLine ToDomain(BomLineRow row) => new(
        row.FindNumber, row.ChildNumber, row.Quantity, row.ReferenceDesignators, row.PinnedRevision,
        new Effectivity(
            row.SerialFrom is null ? null : SerialNumber.Parse(row.SerialFrom),
            row.SerialTo is null ? null : SerialNumber.Parse(row.SerialTo),
            row.DateFrom, row.DateTo, row.Lots));
}
