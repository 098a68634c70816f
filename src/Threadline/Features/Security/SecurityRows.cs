using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Threadline.Features.Security;

// Persistence shapes of principals, their tokens and the audit trail. Principals are disabled, never deleted:
// the audit trail names them. Audit entries are only ever appended.

internal sealed class PrincipalRow
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Kind { get; set; }

    /// <summary>Role names separated by ','; parsed in one place (<see cref="SecurityService"/>).</summary>
    public required string Roles { get; set; }

    /// <summary>ASP.NET Core Identity's PasswordHasher format (PBKDF2, salted, versioned); null for a service principal.</summary>
    public string? PasswordHash { get; set; }
    public bool Disabled { get; set; }
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class TokenRow
{
    public long Id { get; set; }
    public long PrincipalId { get; set; }

    /// <summary>SHA-256 of the token (hex); the token itself is shown once and never stored.</summary>
    public required string Hash { get; set; }

    /// <summary>"session" (POST /api/auth/token) or "api" (a service principal's long-lived token).</summary>
    public required string Kind { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class AuditEntryRow
{
    /// <summary>Position in the chain from 1, assigned by the writer; the primary key makes a fork fail instead of branch.</summary>
    public long Sequence { get; set; }

    /// <summary>Unix milliseconds, UTC, from the injected TimeProvider: whole milliseconds hash the same on every store.</summary>
    public long At { get; set; }
    public required string Actor { get; set; }
    public required string ActorKind { get; set; }
    public required string Operation { get; set; }
    public required string Record { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public int? Status { get; set; }
    public string? Source { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

internal sealed class PrincipalRowConfiguration : IEntityTypeConfiguration<PrincipalRow>
{
    public void Configure(EntityTypeBuilder<PrincipalRow> row)
    {
        row.ToTable("principals");
        row.HasKey(p => p.Id);
        row.HasIndex(p => p.Name).IsUnique();
    }
}

internal sealed class TokenRowConfiguration : IEntityTypeConfiguration<TokenRow>
{
    public void Configure(EntityTypeBuilder<TokenRow> row)
    {
        row.ToTable("tokens");
        row.HasKey(t => t.Id);
        row.HasIndex(t => t.Hash).IsUnique();
        row.HasIndex(t => t.PrincipalId);
    }
}

internal sealed class AuditEntryRowConfiguration : IEntityTypeConfiguration<AuditEntryRow>
{
    public void Configure(EntityTypeBuilder<AuditEntryRow> row)
    {
        row.ToTable("audit_entries");
        row.HasKey(a => a.Sequence);
        row.Property(a => a.Sequence).ValueGeneratedNever();
        row.HasIndex(a => a.At);
        row.HasIndex(a => a.Record);
        row.HasIndex(a => a.Actor);
    }
}
