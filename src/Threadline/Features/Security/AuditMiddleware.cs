using System.Security.Cryptography;
using Threadline.Security;

namespace Threadline.Features.Security;

/// <summary>Marks an endpoint whose request body holds a secret: the audit entry keeps no hash of it.</summary>
public sealed class AuditBodySecret;

/// <summary>
/// Writes one audit entry for every state-changing request, refused ones included: who, the route, the record's
/// path, the SHA-256 of the request body (what was asked to be written), the status and the remote address.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next, AuditTrail audit)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (SecurityRegistration.IsSafe(context.Request.Method))
        {
            await next(context);
            return;
        }
        context.Request.EnableBuffering();
        try
        {
            await next(context);
        }
        finally
        {
            var endpoint = context.GetEndpoint();
            string? after = null;
            if (endpoint?.Metadata.GetMetadata<AuditBodySecret>() is null && context.Request.Body.CanSeek)
            {
                context.Request.Body.Position = 0;
                after = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(context.Request.Body, CancellationToken.None));
            }
            var operation = endpoint is RouteEndpoint route ? route.RoutePattern.RawText ?? context.Request.Path.Value : context.Request.Path.Value;
            await audit.AppendAsync(new AuditEvent(
                context.User.Identity?.Name ?? "anonymous",
                context.User.FindFirst(SecurityRegistration.KindClaim)?.Value ?? (context.User.Identity?.IsAuthenticated == true ? nameof(PrincipalKind.User) : "Anonymous"),
                $"{context.Request.Method} {operation}",
                // A create names the record it made (its Location), not the collection it was posted to.
                context.Response.Headers.Location.FirstOrDefault() ?? context.Request.Path.Value ?? "",
                After: after,
                Status: context.Response.StatusCode,
                Source: context.Connection.RemoteIpAddress?.ToString()), CancellationToken.None);
        }
    }
}
