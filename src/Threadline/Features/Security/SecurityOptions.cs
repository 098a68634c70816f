namespace Threadline.Features.Security;

/// <summary>Bound from "Security". Every protection is on by default; there is no switch to turn authentication off.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Password of user "admin", created at start when the store holds no principal. Default none: then `serve`
    /// refuses to start until an admin exists (`threadline users add NAME --role admin`).
    /// </summary>
    public string? BootstrapAdminPassword { get; set; }

    /// <summary>Lifetime of a token from POST /api/auth/token and of a login cookie, in minutes. Default 480 (a shift).</summary>
    public int TokenLifetimeMinutes { get; set; } = 480;

    /// <summary>Lifetime of a service principal's API token when the request names none, in days. Default 365.</summary>
    public int ApiTokenLifetimeDays { get; set; } = 365;

    /// <summary>Failed logins in a row that lock an account. Default 5.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How long a locked account stays locked, in minutes. Default 15.</summary>
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>API requests a principal (or, before login, a remote address) may make per minute. Default 1200.</summary>
    public int RequestsPerMinute { get; set; } = 1200;

    public OidcOptions Oidc { get; set; } = new();
}

/// <summary>An external OpenID Connect provider whose access tokens the API accepts (JwtBearer). Off while Authority is empty.</summary>
public sealed class OidcOptions
{
    /// <summary>The issuer URL; its /.well-known/openid-configuration gives the signing keys. Default none (off).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience the tokens must name (the API's client or application id). Required with Authority.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that carries the provider's roles or groups. Default "roles" (Entra ID; Keycloak can map to it).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim that names the person in the audit trail. Default "preferred_username".</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Provider value to Threadline role name ("Threadline.Engineers": "engineer"). A value without an entry gives no role.</summary>
    public Dictionary<string, string> RoleMapping { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Whether the provider's metadata must come over HTTPS. Default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
