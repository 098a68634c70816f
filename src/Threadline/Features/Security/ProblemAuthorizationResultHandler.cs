using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Threadline.Features.Security;

/// <summary>
/// Refusals as RFC 9457 problems. Authorization runs before the handler, so a refused request learns nothing about
/// the record it names: 401 and 403 read the same whether it exists or not.
/// </summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            await context.ChallengeAsync();
            await SecurityRegistration.WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated",
                "Log in (POST /api/auth/login) or send a bearer token (POST /api/auth/token) to use this endpoint.");
            return;
        }
        if (authorizeResult.Forbidden)
        {
            await context.ForbidAsync();
            await SecurityRegistration.WriteProblemAsync(context, StatusCodes.Status403Forbidden, "forbidden",
                "Your roles do not allow this request; ask an admin for the role the endpoint table in docs/security.md names.");
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
