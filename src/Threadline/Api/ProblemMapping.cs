using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Threadline.Features.Assets;
using Threadline.Plm;
using Threadline.Security;

namespace Threadline.Api;

/// <summary>
/// Turns refused requests into RFC 9457 problem responses: a rule violation keeps its code and message;
/// a body that is not valid JSON says where it broke. Anything else is logged and answered with a plain 500.
/// </summary>
internal sealed class ProblemMapping(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            PlmRuleException rule => Problem(rule.Kind switch
            {
                RuleViolationKind.NotFound => StatusCodes.Status404NotFound,
                RuleViolationKind.Conflict => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status422UnprocessableEntity,
            }, rule.Code, rule.Message, rule.Extensions),
            SecurityRuleException rule => Problem(rule.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status422UnprocessableEntity, rule.Code, rule.Message),
            ExternalAssetException external => Problem(StatusCodes.Status404NotFound, "external-asset",
                external.Message + $" Ask {AssetEndpoints.ExternalLocation(external)}."),
            BadHttpRequestException bad => Problem(bad.StatusCode, "malformed-request",
                bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails Problem(int status, string code, string detail, IReadOnlyDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Type = "urn:threadline:problem:" + code,
            Title = code.Replace('-', ' '),
            Detail = detail,
            Extensions = { ["code"] = code },
        };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }
        return problem;
    }
}
