using Threadline.Security;

namespace Threadline.Features.Security;

/// <summary>A user or service principal as the API shows it; never its password hash or tokens.</summary>
public sealed record PrincipalResponse(string Name, PrincipalKind Kind, IReadOnlyList<string> Roles, bool Disabled, DateTimeOffset? LockedUntil);

public sealed record CreateUserRequest(string? Username, string? Password, IReadOnlyList<string>? Roles);

public sealed record CreateServicePrincipalRequest(string? Name, IReadOnlyList<string>? Roles);

public sealed record RolesRequest(IReadOnlyList<string>? Roles);

public sealed record CredentialsRequest(string? Username, string? Password);

/// <summary>A bearer token, shown once. <paramref name="Id"/> names it for revocation.</summary>
public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt, long Id);

public sealed record ApiTokenRequest(int? LifetimeDays);

/// <summary>After a browser login: the token to send in the X-CSRF-TOKEN header with every state-changing request.</summary>
public sealed record LoginResponse(string Username, IReadOnlyList<string> Roles, string AntiforgeryToken, DateTimeOffset ExpiresAt);

public sealed record AuditEntryResponse(long Sequence, DateTimeOffset At, string Actor, string ActorKind, string Operation, string Record,
    string? Before, string? After, int? Status, string? Source, string Hash);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Entries, long? NextAfter);
