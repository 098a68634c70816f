using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Threadline.Features.Security;

/// <summary>Authenticates "Authorization: Bearer tl_..." against the stored token hashes (session and API tokens alike).</summary>
internal sealed class TokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, SecurityService security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (SecurityRegistration.BearerToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }
        var principal = await security.AuthenticateTokenAsync(token, Context.RequestAborted);
        if (principal is null)
        {
            return AuthenticateResult.Fail("The bearer token is unknown, expired or revoked.");
        }
        return AuthenticateResult.Success(new AuthenticationTicket(SecurityRegistration.ClaimsFor(principal, SchemeName), SchemeName));
    }
}
