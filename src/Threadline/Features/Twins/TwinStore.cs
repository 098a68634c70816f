using Microsoft.EntityFrameworkCore;
using Threadline.Storage;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>Twin state and snapshots in the relational store (SQLite by default, PostgreSQL when configured).</summary>
public sealed class TwinStore(ThreadlineDb db)
{
    public async Task<TwinState?> LoadAsync(string assetId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var json = await context.TwinStates.AsNoTracking().Where(t => t.AssetId == assetId).Select(t => t.State).FirstOrDefaultAsync(ct);
        return json is null ? null : TwinStateJson.Deserialize(json);
    }

    /// <summary>
    /// Writes the state, and keeps it as the snapshot of its period of source time (the last state written within a
    /// period wins), so time travel answers with the twin as it stood at the end of each period.
    /// </summary>
    public async Task SaveAsync(TwinState state, string revision, string? site, DateTimeOffset savedAt, TimeSpan snapshotPeriod, CancellationToken ct)
    {
        var json = TwinStateJson.Serialize(state);
        await using var context = db.CreateContext();
        var row = await context.TwinStates.FindAsync([state.AssetId], ct);
        if (row is null)
        {
            row = new TwinStateRow { AssetId = state.AssetId, Revision = revision, State = json };
            context.TwinStates.Add(row);
        }
        row.Revision = revision;
        row.Site = site;
        row.Health = state.Health;
        row.RulDays = state.Rul.Days;
        row.ActiveAlerts = state.Alerts.Length;
        row.UpdatedAt = state.UpdatedAt;
        row.SavedAt = savedAt;
        row.State = json;
        if (state.UpdatedAt is { } at)
        {
            var period = at.ToUnixTimeMilliseconds() / (long)snapshotPeriod.TotalMilliseconds;
            var snapshot = await context.TwinSnapshots.FirstOrDefaultAsync(s => s.AssetId == state.AssetId && s.Period == period, ct);
            if (snapshot is null)
            {
                context.TwinSnapshots.Add(new TwinSnapshotRow { AssetId = state.AssetId, At = at, AtUnixMs = at.ToUnixTimeMilliseconds(), Period = period, State = json });
            }
            else if (snapshot.AtUnixMs <= at.ToUnixTimeMilliseconds())
            {
                (snapshot.At, snapshot.AtUnixMs, snapshot.State) = (at, at.ToUnixTimeMilliseconds(), json);
            }
        }
        await context.SaveChangesAsync(ct);
    }

    /// <summary>The last snapshot taken at or before <paramref name="at"/>, or null when the twin had none yet.</summary>
    public async Task<TwinState?> SnapshotAsync(string assetId, DateTimeOffset at, CancellationToken ct)
    {
        var limit = at.ToUnixTimeMilliseconds();
        await using var context = db.CreateContext();
        var json = await context.TwinSnapshots.AsNoTracking()
            .Where(s => s.AssetId == assetId && s.AtUnixMs <= limit)
            .OrderByDescending(s => s.AtUnixMs).Select(s => s.State).FirstOrDefaultAsync(ct);
        return json is null ? null : TwinStateJson.Deserialize(json);
    }

    public async Task<IReadOnlyList<TwinStateRow>> ListAsync(string? site, double? minHealth, double? maxHealth, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var query = context.TwinStates.AsNoTracking();
        if (site is not null)
        {
            var below = site + "/";
            query = query.Where(t => t.Site == site || t.Site!.StartsWith(below));
        }
        if (minHealth is { } min)
        {
            query = query.Where(t => t.Health >= min);
        }
        if (maxHealth is { } max)
        {
            query = query.Where(t => t.Health <= max);
        }
        // Without State: the list must not read every twin's JSON.
        var rows = await query.OrderBy(t => t.AssetId).Select(t => new TwinStateRow
        {
            AssetId = t.AssetId, Revision = t.Revision, Site = t.Site, Health = t.Health, RulDays = t.RulDays,
            ActiveAlerts = t.ActiveAlerts, UpdatedAt = t.UpdatedAt, SavedAt = t.SavedAt, State = "",
        }).ToListAsync(ct);
        return rows;
    }
}
