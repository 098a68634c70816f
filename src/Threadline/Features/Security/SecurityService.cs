using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Threadline.Security;
using Threadline.Storage;

namespace Threadline.Features.Security;

/// <summary>
/// The principal store: users with passwords (ASP.NET Core Identity's PasswordHasher), service principals, their
/// bearer tokens (opaque, stored as SHA-256) and the lockout rule. Every rule on names and roles is
/// <see cref="PrincipalRules"/>'; every timestamp comes from the injected TimeProvider.
/// </summary>
public sealed class SecurityService(ThreadlineDb db, TimeProvider time, IOptions<SecurityOptions> options, IOptions<PasswordHasherOptions> hashing)
{
    private readonly PasswordHasher<PrincipalRow> _hasher = new(hashing);
    private string? _dummyHash;

    public async Task<bool> AnyPrincipalAsync(CancellationToken ct)
    {
        await using var context = db.CreateContext();
        return await context.Set<PrincipalRow>().AnyAsync(ct);
    }

    public async Task<PrincipalResponse> CreateUserAsync(string? name, string? password, IEnumerable<string>? roleNames, CancellationToken ct)
    {
        var roles = PrincipalRules.ParseRoles(roleNames);
        PrincipalRules.Validate(PrincipalKind.User, name ?? "", roles);
        PrincipalRules.ValidatePassword(password);
        var row = NewRow(name!, PrincipalKind.User, roles);
        row.PasswordHash = _hasher.HashPassword(row, password!);
        return await InsertAsync(row, ct);
    }

    public async Task<PrincipalResponse> CreateServicePrincipalAsync(string? name, IEnumerable<string>? roleNames, CancellationToken ct)
    {
        var roles = PrincipalRules.ParseRoles(roleNames);
        PrincipalRules.Validate(PrincipalKind.Service, name ?? "", roles);
        return await InsertAsync(NewRow(name!, PrincipalKind.Service, roles), ct);
    }

    public async Task<IReadOnlyList<PrincipalResponse>> ListAsync(PrincipalKind kind, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var kindName = kind.ToString();
        var rows = await context.Set<PrincipalRow>().Where(p => p.Kind == kindName).OrderBy(p => p.Name).ToListAsync(ct);
        return [.. rows.Select(Response)];
    }

    public async Task<PrincipalResponse> SetRolesAsync(string name, IEnumerable<string>? roleNames, CancellationToken ct)
    {
        var roles = PrincipalRules.ParseRoles(roleNames);
        await using var context = db.CreateContext();
        var row = await FindAsync(context, name, ct);
        PrincipalRules.Validate(Enum.Parse<PrincipalKind>(row.Kind), row.Name, roles);
        row.Roles = string.Join(',', roles.Select(r => r.Name()));
        await context.SaveChangesAsync(ct);
        return Response(row);
    }

    /// <summary>Disables or enables a principal; a disabled one keeps its name in the audit trail and passes no check.</summary>
    public async Task<PrincipalResponse> SetDisabledAsync(string name, bool disabled, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var row = await FindAsync(context, name, ct);
        row.Disabled = disabled;
        await context.SaveChangesAsync(ct);
        return Response(row);
    }

    /// <summary>
    /// Checks a user's password. Returns null for an unknown name, a wrong password, a disabled or a locked account
    /// alike, so a caller cannot tell which; <see cref="SecurityOptions.MaxFailedLogins"/> failures in a row lock it.
    /// </summary>
    public async Task<PrincipalResponse?> CheckPasswordAsync(string? name, string? password, CancellationToken ct)
    {
        var settings = options.Value;
        await using var context = db.CreateContext();
        var user = name is null ? null : await context.Set<PrincipalRow>().SingleOrDefaultAsync(p => p.Name == name && p.Kind == nameof(PrincipalKind.User), ct);
        var now = time.GetUtcNow();
        if (user?.PasswordHash is null || password is null)
        {
            // The same hashing work as a real check: the answer's delay does not tell whether the name exists.
            _dummyHash ??= _hasher.HashPassword(NewRow("dummy", PrincipalKind.User, [Role.Viewer]), "not-a-password");
            _hasher.VerifyHashedPassword(NewRow("dummy", PrincipalKind.User, [Role.Viewer]), _dummyHash, password ?? "");
            return null;
        }
        if (user.LockedUntil is { } locked && locked > now)
        {
            return null;
        }
        var result = _hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= settings.MaxFailedLogins)
            {
                user.LockedUntil = now.AddMinutes(settings.LockoutMinutes);
                user.FailedLogins = 0;
            }
            await context.SaveChangesAsync(ct);
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = _hasher.HashPassword(user, password);
        }
        user.FailedLogins = 0;
        user.LockedUntil = null;
        await context.SaveChangesAsync(ct);
        return user.Disabled ? null : Response(user);
    }

    /// <summary>Issues a bearer token for a principal; only its SHA-256 is stored.</summary>
    public async Task<TokenResponse> IssueTokenAsync(string name, bool apiToken, TimeSpan lifetime, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var principal = await FindAsync(context, name, ct);
        if (apiToken && principal.Kind != nameof(PrincipalKind.Service))
        {
            throw SecurityRuleException.Invalid("not-a-service-principal", $"'{name}' is a user; long-lived API tokens are for service principals.");
        }
        var token = "tl_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var row = new TokenRow { PrincipalId = principal.Id, Hash = Hash(token), Kind = apiToken ? "api" : "session", IssuedAt = now, ExpiresAt = now + lifetime };
        context.Set<TokenRow>().Add(row);
        await context.SaveChangesAsync(ct);
        return new TokenResponse(token, row.ExpiresAt, row.Id);
    }

    /// <summary>The principal a bearer token stands for, or null when it is unknown, expired, revoked or its principal disabled.</summary>
    public async Task<PrincipalResponse?> AuthenticateTokenAsync(string token, CancellationToken ct)
    {
        var hash = Hash(token);
        await using var context = db.CreateContext();
        var found = await context.Set<TokenRow>().Where(t => t.Hash == hash && t.RevokedAt == null)
            .Join(context.Set<PrincipalRow>(), t => t.PrincipalId, p => p.Id, (t, p) => new { t.ExpiresAt, Principal = p })
            .SingleOrDefaultAsync(ct);
        if (found is null || found.Principal.Disabled || found.ExpiresAt <= time.GetUtcNow())
        {
            return null;
        }
        return Response(found.Principal);
    }

    public async Task RevokeTokenAsync(string name, long tokenId, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var principal = await FindAsync(context, name, ct);
        var token = await context.Set<TokenRow>().SingleOrDefaultAsync(t => t.Id == tokenId && t.PrincipalId == principal.Id, ct)
            ?? throw new SecurityRuleException(true, "unknown-token", $"'{name}' has no token {tokenId}.");
        token.RevokedAt ??= time.GetUtcNow();
        await context.SaveChangesAsync(ct);
    }

    internal static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private PrincipalRow NewRow(string name, PrincipalKind kind, IReadOnlyList<Role> roles) => new()
    {
        Name = name, Kind = kind.ToString(), Roles = string.Join(',', roles.Select(r => r.Name())), CreatedAt = time.GetUtcNow(),
    };

    private async Task<PrincipalResponse> InsertAsync(PrincipalRow row, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        if (await context.Set<PrincipalRow>().AnyAsync(p => p.Name == row.Name, ct))
        {
            throw SecurityRuleException.Invalid("name-taken", $"A principal named '{row.Name}' exists already; disable it or choose another name.");
        }
        context.Set<PrincipalRow>().Add(row);
        await context.SaveChangesAsync(ct);
        return Response(row);
    }

    private static async Task<PrincipalRow> FindAsync(ThreadlineDbContext context, string name, CancellationToken ct) =>
        await context.Set<PrincipalRow>().SingleOrDefaultAsync(p => p.Name == name, ct) ?? throw SecurityRuleException.Unknown(name);

    internal static IReadOnlyList<Role> Roles(string stored) =>
        PrincipalRules.ParseRoles(stored.Split(',', StringSplitOptions.RemoveEmptyEntries));

    private static PrincipalResponse Response(PrincipalRow row) =>
        new(row.Name, Enum.Parse<PrincipalKind>(row.Kind), [.. Roles(row.Roles).Select(r => r.Name())], row.Disabled, row.LockedUntil);
}
