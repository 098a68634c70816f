using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Threadline.Storage;

namespace Threadline.Features.Security;

/// <summary>One change to record: who did what to which record, from where.</summary>
public sealed record AuditEvent(string Actor, string ActorKind, string Operation, string Record, string? Before = null, string? After = null, int? Status = null, string? Source = null);

/// <summary>
/// The append-only, hash-chained audit trail. Each entry stores SHA-256(previous entry's hash + its own canonical
/// content), so editing, removing or reordering a stored row breaks the chain from that row on.
/// </summary>
public sealed class AuditTrail(ThreadlineDb db, TimeProvider time) : IDisposable
{
    /// <summary>The previous hash of entry 1: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    // One writer at a time in this process; across servers sharing PostgreSQL, the advisory lock below.
    private readonly SemaphoreSlim _append = new(1, 1);

    // Any constant the rest of Threadline does not use as an advisory lock key ("TLAUDIT" in ASCII).
    private const long AdvisoryLockKey = 0x544C4155444954;

    public async Task AppendAsync(AuditEvent entry, CancellationToken ct = default)
    {
        await _append.WaitAsync(ct);
        try
        {
            await using var context = db.CreateContext();
            await using var transaction = await context.Database.BeginTransactionAsync(ct);
            if (db.IsPostgres)
            {
                await context.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
            }
            var last = await context.Set<AuditEntryRow>().OrderByDescending(a => a.Sequence)
                .Select(a => new { a.Sequence, a.Hash }).FirstOrDefaultAsync(ct);
            var row = new AuditEntryRow
            {
                Sequence = (last?.Sequence ?? 0) + 1,
                At = time.GetUtcNow().ToUnixTimeMilliseconds(),
                Actor = entry.Actor, ActorKind = entry.ActorKind, Operation = entry.Operation, Record = entry.Record,
                Before = entry.Before, After = entry.After, Status = entry.Status, Source = entry.Source,
                PreviousHash = last?.Hash ?? Genesis, Hash = "",
            };
            row.Hash = HashOf(row);
            context.Set<AuditEntryRow>().Add(row);
            await context.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            _append.Release();
        }
    }

    /// <summary>Entries in chain order, filtered, after a sequence number (for paging).</summary>
    public async Task<AuditPage> QueryAsync(string? record, string? actor, DateTimeOffset? from, DateTimeOffset? to, long after, int limit, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var query = context.Set<AuditEntryRow>().Where(a => a.Sequence > after);
        if (!string.IsNullOrEmpty(record))
        {
            query = query.Where(a => a.Record == record);
        }
        if (!string.IsNullOrEmpty(actor))
        {
            query = query.Where(a => a.Actor == actor);
        }
        if (from is { } start)
        {
            var ms = start.ToUnixTimeMilliseconds();
            query = query.Where(a => a.At >= ms);
        }
        if (to is { } end)
        {
            var ms = end.ToUnixTimeMilliseconds();
            query = query.Where(a => a.At < ms);
        }
        var rows = await query.OrderBy(a => a.Sequence).Take(limit + 1).ToListAsync(ct);
        var page = rows.Take(limit).Select(a => new AuditEntryResponse(a.Sequence, DateTimeOffset.FromUnixTimeMilliseconds(a.At), a.Actor, a.ActorKind,
            a.Operation, a.Record, a.Before, a.After, a.Status, a.Source, a.Hash)).ToList();
        return new AuditPage(page, rows.Count > limit ? page[^1].Sequence : null);
    }

    /// <summary>Walks the whole chain; returns null when intact, else what is wrong with the first broken entry.</summary>
    public async Task<string?> VerifyAsync(CancellationToken ct = default)
    {
        await using var context = db.CreateContext();
        var expectedPrevious = Genesis;
        var expectedSequence = 1L;
        await foreach (var row in context.Set<AuditEntryRow>().AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (row.Sequence != expectedSequence)
            {
                return $"entry {expectedSequence} is missing (the next stored entry is {row.Sequence}).";
            }
            if (!string.Equals(row.PreviousHash, expectedPrevious, StringComparison.Ordinal))
            {
                return $"entry {row.Sequence} does not follow entry {row.Sequence - 1}: its previous hash is not that entry's hash.";
            }
            if (!string.Equals(HashOf(row), row.Hash, StringComparison.Ordinal))
            {
                return $"entry {row.Sequence} ({row.Operation} {row.Record} by {row.Actor}) was changed after it was written: its content does not match its hash.";
            }
            expectedPrevious = row.Hash;
            expectedSequence++;
        }
        return null;
    }

    public void Dispose() => _append.Dispose();

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var context = db.CreateContext();
        return await context.Set<AuditEntryRow>().LongCountAsync(ct);
    }

    /// <summary>
    /// SHA-256 over the previous hash and every field, each as its length and its UTF-8 text, so no two different
    /// entries share a canonical form (no separator can be forged inside a field).
    /// </summary>
    internal static string HashOf(AuditEntryRow row)
    {
        var canonical = new StringBuilder();
        foreach (var field in new[] { row.PreviousHash, row.Sequence.ToString(CultureInfo.InvariantCulture), row.At.ToString(CultureInfo.InvariantCulture),
            row.Actor, row.ActorKind, row.Operation, row.Record, row.Before, row.After, row.Status?.ToString(CultureInfo.InvariantCulture), row.Source })
        {
            canonical.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
