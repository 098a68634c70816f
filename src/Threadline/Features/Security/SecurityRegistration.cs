using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;
using Threadline.Api;
using Threadline.Security;

namespace Threadline.Features.Security;

public static class SecurityRegistration
{
    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string Oidc = "Oidc";
    public const string CsrfHeader = "X-CSRF-TOKEN";
    public const string KindClaim = "threadline:kind";

    /// <summary>The hosts the API answers when AllowedHosts is not configured: loopback only, so a DNS-rebound name is refused.</summary>
    public static readonly string[] DefaultAllowedHosts = ["localhost", "127.0.0.1", "[::1]"];

    private const string Selector = "Threadline";

    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSecurityStore();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        if (builder.Configuration["AllowedHosts"] is null)
        {
            services.PostConfigure<HostFilteringOptions>(o => o.AllowedHosts = DefaultAllowedHosts);
        }

        var oidc = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>()?.Oidc ?? new OidcOptions();
        var oidcOn = !string.IsNullOrEmpty(oidc.Authority);
        var authentication = services.AddAuthentication(Selector)
            .AddPolicyScheme(Selector, "Bearer token, OpenID Connect token or login cookie", o => o.ForwardDefaultSelector = context =>
                BearerToken(context.Request) is { } token ? (oidcOn && !token.StartsWith("tl_", StringComparison.Ordinal) ? Oidc : TokenAuthenticationHandler.SchemeName) : Cookie)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddCookie(Cookie, o =>
            {
                o.Cookie.Name = "threadline.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = false;
                // An API answers 401/403, never a redirect to a login page.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
            });
        if (oidcOn)
        {
            authentication.AddJwtBearer(Oidc, o =>
            {
                o.Authority = oidc.Authority;
                o.Audience = oidc.Audience;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                // Claims keep the provider's names, so RoleClaim means what the provider's documentation says.
                o.MapInboundClaims = false;
                o.Events = new JwtBearerEvents { OnTokenValidated = context => { context.Principal = MapOidc(context.Principal!, oidc); return Task.CompletedTask; } };
            });
        }
        services.AddAuthorization(RolePolicies.Add);
        services.AddAntiforgery(o =>
        {
            o.HeaderName = CsrfHeader;
            o.Cookie.Name = "threadline.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.Identity?.Name is { } name ? "principal:" + name : "address:" + context.Connection.RemoteIpAddress,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.RequestsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                }));
            o.OnRejected = async (rejected, ct) =>
            {
                rejected.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                await WriteProblemAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "rate-limited",
                    "Too many requests from this principal in the last minute (Security:RequestsPerMinute); try again shortly.");
            };
        });
        return builder;
    }

    /// <summary>The principal store and the audit trail, without the HTTP side: what the command-line verbs need too.</summary>
    public static IServiceCollection AddSecurityStore(this IServiceCollection services)
    {
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section)
            .Validate(o => o.TokenLifetimeMinutes is >= 1 and <= 10080, "Security:TokenLifetimeMinutes must be between 1 and 10080 (a week).")
            .Validate(o => o.ApiTokenLifetimeDays is >= 1 and <= 3650, "Security:ApiTokenLifetimeDays must be between 1 and 3650.")
            .Validate(o => o.MaxFailedLogins is >= 1 and <= 100, "Security:MaxFailedLogins must be between 1 and 100.")
            .Validate(o => o.LockoutMinutes is >= 1 and <= 1440, "Security:LockoutMinutes must be between 1 and 1440.")
            .Validate(o => o.RequestsPerMinute is >= 1 and <= 1_000_000, "Security:RequestsPerMinute must be between 1 and 1000000.")
            .Validate(o => o.BootstrapAdminPassword is null || o.BootstrapAdminPassword.Length >= PrincipalRules.MinPasswordLength,
                $"Security:BootstrapAdminPassword must have at least {PrincipalRules.MinPasswordLength} characters.")
            .Validate(o => string.IsNullOrEmpty(o.Oidc.Authority) || !string.IsNullOrEmpty(o.Oidc.Audience),
                "Security:Oidc:Audience must be set when Security:Oidc:Authority is.")
            .Validate(o => o.Oidc.RoleMapping.Values.All(v => Enum.TryParse<Role>(v, true, out _)),
                "Security:Oidc:RoleMapping values must be role names (viewer, operator, technician, engineer, approver, admin).");
        services.AddSingleton<SecurityService>();
        services.AddSingleton<AuditTrail>();
        return services;
    }

    /// <summary>The request pipeline's security: HSTS on HTTPS, who is calling, rate limit, audit, CSRF check, then authorization.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        var urls = app.Configuration["Urls"] ?? "";
        if (urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
        {
            app.UseHsts();
        }
        var settings = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Threadline.Security");
        if (!string.IsNullOrEmpty(settings.Oidc.Authority) && !settings.Oidc.RequireHttpsMetadata)
        {
            log.LogWarning("Security:Oidc:RequireHttpsMetadata is false: the provider's signing keys are fetched without TLS.");
        }
        if (app.Configuration["AllowedHosts"] == "*")
        {
            log.LogWarning("AllowedHosts is '*': any host name reaches the API, so a DNS-rebinding page can too.");
        }
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<AuditMiddleware>();
        app.Use(async (context, next) =>
        {
            if (!IsSafe(context.Request.Method) && context.User.Identity is { IsAuthenticated: true, AuthenticationType: Cookie })
            {
                try
                {
                    await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
                }
                catch (AntiforgeryValidationException)
                {
                    await WriteProblemAsync(context, StatusCodes.Status403Forbidden, "antiforgery",
                        $"A request authenticated by the login cookie that changes something needs the {CsrfHeader} header from POST /api/auth/login or GET /api/auth/antiforgery.");
                    return;
                }
            }
            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    internal static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    internal static ClaimsPrincipal ClaimsFor(PrincipalResponse principal, string scheme)
    {
        var identity = new ClaimsIdentity(scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, principal.Name));
        identity.AddClaim(new Claim(KindClaim, principal.Kind.ToString()));
        identity.AddClaims(principal.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>A provider's token as a Threadline principal: its name claim, and the roles its RoleClaim values map to.</summary>
    internal static ClaimsPrincipal MapOidc(ClaimsPrincipal external, OidcOptions oidc)
    {
        var name = external.FindFirst(oidc.NameClaim)?.Value ?? external.FindFirst("sub")?.Value ?? "oidc-unknown";
        var roles = external.FindAll(oidc.RoleClaim)
            .Select(c => oidc.RoleMapping.TryGetValue(c.Value, out var role) ? role.ToLowerInvariant() : null)
            .OfType<string>().Distinct();
        return ClaimsFor(new PrincipalResponse(name, PrincipalKind.User, [.. roles], false, null), Oidc);
    }

    internal static async Task WriteProblemAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context, ProblemDetails = ProblemMapping.Problem(status, code, detail),
        });
    }
}
