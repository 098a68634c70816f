using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Threadline.Api;
using Threadline.Security;

namespace Threadline.Features.Security;

public static class SecurityEndpoints
{
    public const int MaxAuditPage = 1000;

    public static IEndpointRouteBuilder MapSecurityEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Security");
        auth.MapPost("/login", Login).AllowAnonymous().WithMetadata(new AuditBodySecret())
            .WithSummary("Browser login: sets the session cookie (SameSite=Strict) and returns the antiforgery token for X-CSRF-TOKEN");
        auth.MapPost("/logout", Logout).RequireAuthorization(RolePolicies.Viewer).WithSummary("End the browser session");
        auth.MapGet("/antiforgery", Antiforgery).RequireAuthorization(RolePolicies.Viewer).WithSummary("A fresh antiforgery token for the logged-in browser");
        auth.MapPost("/token", Token).AllowAnonymous().WithMetadata(new AuditBodySecret())
            .WithSummary("A bearer token for a user name and password: {token, expiresAt}");
        auth.MapGet("/me", Me).RequireAuthorization(RolePolicies.Viewer).WithSummary("Who the request is authenticated as, and its roles");

        var users = app.MapGroup("/api/users").WithTags("Security").RequireAuthorization(RolePolicies.Admin);
        users.MapPost("/", CreateUser).WithMetadata(new AuditBodySecret()).WithSummary("Create a local user with a password and roles");
        users.MapGet("/", ListUsers).WithSummary("Users with their roles, disabled and locked state");
        users.MapPut("/{username}/roles", SetRoles).WithSummary("Replace a user's roles");
        users.MapPost("/{username}/disable", Disable).WithSummary("Disable a user (never deleted: the audit trail names them)");
        users.MapPost("/{username}/enable", Enable).WithSummary("Enable a disabled user");

        var services = app.MapGroup("/api/service-principals").WithTags("Security").RequireAuthorization(RolePolicies.Admin);
        services.MapPost("/", CreateServicePrincipal).WithSummary("Create a service principal (an integration); it can never hold approver");
        services.MapGet("/", ListServicePrincipals).WithSummary("Service principals with their roles");
        services.MapPut("/{name}/roles", SetRoles).WithSummary("Replace a service principal's roles");
        services.MapPost("/{name}/disable", Disable).WithSummary("Disable a service principal and so every token it holds");
        services.MapPost("/{name}/tokens", IssueApiToken).WithSummary("A long-lived API token, shown once, stored as its SHA-256");
        services.MapDelete("/{name}/tokens/{id:long}", RevokeToken).WithSummary("Revoke an API token");

        app.MapGet("/api/audit", Audit).WithTags("Security").RequireAuthorization(RolePolicies.Admin)
            .WithSummary("The audit trail in chain order, by record, actor and time range (from inclusive, to exclusive), paged by after=");
        return app;
    }

    private static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> Login(CredentialsRequest request, HttpContext context,
        SecurityService security, IAntiforgery antiforgery, IOptions<SecurityOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await security.CheckPasswordAsync(request.Username, request.Password, ct) is not { } principal)
        {
            return BadCredentials();
        }
        var expires = time.GetUtcNow().AddMinutes(options.Value.TokenLifetimeMinutes);
        var claims = SecurityRegistration.ClaimsFor(principal, SecurityRegistration.Cookie);
        await context.SignInAsync(SecurityRegistration.Cookie, claims, new AuthenticationProperties { ExpiresUtc = expires, IsPersistent = false });
        // The antiforgery token is bound to the user it is issued for: the one just logged in, not the anonymous caller.
        context.User = claims;
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new LoginResponse(principal.Name, principal.Roles, tokens.RequestToken!, expires));
    }

    private static async Task<NoContent> Logout(HttpContext context, IAuthenticationService authentication)
    {
        await authentication.SignOutAsync(context, SecurityRegistration.Cookie, null);
        return TypedResults.NoContent();
    }

    private static Ok<string> Antiforgery(HttpContext context, IAntiforgery antiforgery) =>
        TypedResults.Ok(antiforgery.GetAndStoreTokens(context).RequestToken!);

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Token(CredentialsRequest request,
        SecurityService security, IOptions<SecurityOptions> options, CancellationToken ct)
    {
        if (await security.CheckPasswordAsync(request.Username, request.Password, ct) is not { } principal)
        {
            return BadCredentials();
        }
        return TypedResults.Ok(await security.IssueTokenAsync(principal.Name, apiToken: false, TimeSpan.FromMinutes(options.Value.TokenLifetimeMinutes), ct));
    }

    private static Ok<PrincipalResponse> Me(HttpContext context) => TypedResults.Ok(new PrincipalResponse(
        context.User.Identity!.Name!,
        Enum.TryParse<PrincipalKind>(context.User.FindFirst(SecurityRegistration.KindClaim)?.Value, out var kind) ? kind : PrincipalKind.User,
        [.. context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value)], false, null));

    private static async Task<Created<PrincipalResponse>> CreateUser(CreateUserRequest request, SecurityService security, CancellationToken ct)
    {
        var user = await security.CreateUserAsync(request.Username, request.Password, request.Roles, ct);
        return TypedResults.Created($"/api/users/{Uri.EscapeDataString(user.Name)}", user);
    }

    private static async Task<Ok<IReadOnlyList<PrincipalResponse>>> ListUsers(SecurityService security, CancellationToken ct) =>
        TypedResults.Ok(await security.ListAsync(PrincipalKind.User, ct));

    private static async Task<Created<PrincipalResponse>> CreateServicePrincipal(CreateServicePrincipalRequest request, SecurityService security, CancellationToken ct)
    {
        var principal = await security.CreateServicePrincipalAsync(request.Name, request.Roles, ct);
        return TypedResults.Created($"/api/service-principals/{Uri.EscapeDataString(principal.Name)}", principal);
    }

    private static async Task<Ok<IReadOnlyList<PrincipalResponse>>> ListServicePrincipals(SecurityService security, CancellationToken ct) =>
        TypedResults.Ok(await security.ListAsync(PrincipalKind.Service, ct));

    private static async Task<Ok<PrincipalResponse>> SetRoles(HttpContext context, RolesRequest request, SecurityService security, CancellationToken ct) =>
        TypedResults.Ok(await security.SetRolesAsync(Name(context), request.Roles, ct));

    private static async Task<Ok<PrincipalResponse>> Disable(HttpContext context, SecurityService security, CancellationToken ct) =>
        TypedResults.Ok(await security.SetDisabledAsync(Name(context), disabled: true, ct));

    private static async Task<Ok<PrincipalResponse>> Enable(HttpContext context, SecurityService security, CancellationToken ct) =>
        TypedResults.Ok(await security.SetDisabledAsync(Name(context), disabled: false, ct));

    private static async Task<Ok<TokenResponse>> IssueApiToken(string name, ApiTokenRequest? request, SecurityService security, IOptions<SecurityOptions> options, CancellationToken ct)
    {
        var days = request?.LifetimeDays ?? options.Value.ApiTokenLifetimeDays;
        if (days is < 1 or > 3650)
        {
            throw SecurityRuleException.Invalid("invalid-lifetime", "lifetimeDays must be between 1 and 3650.");
        }
        return TypedResults.Ok(await security.IssueTokenAsync(name, apiToken: true, TimeSpan.FromDays(days), ct));
    }

    private static async Task<NoContent> RevokeToken(string name, long id, SecurityService security, CancellationToken ct)
    {
        await security.RevokeTokenAsync(name, id, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<AuditPage>> Audit(string? record, string? actor, string? from, string? to, long? after, int? limit, AuditTrail audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.QueryAsync(record, actor, RequestValues.ParseOptionalInstant(from, "from"), RequestValues.ParseOptionalInstant(to, "to"),
            after ?? 0, Math.Clamp(limit ?? 100, 1, MaxAuditPage), ct));

    private static string Name(HttpContext context) => (string)(context.GetRouteValue("username") ?? context.GetRouteValue("name"))!;

    private static ProblemHttpResult BadCredentials() => TypedResults.Problem(ProblemMapping.Problem(StatusCodes.Status401Unauthorized, "invalid-credentials",
        "The user name or password is wrong, or the account is disabled or locked after repeated failures."));
}
