using Microsoft.AspNetCore.Authorization;
using Threadline.Security;

namespace Threadline.Features.Security;

/// <summary>
/// One authorization policy a role, named after it: what an endpoint group passes to RequireAuthorization. Any role
/// passes viewer; admin passes every policy but approver.
/// </summary>
public static class RolePolicies
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Technician = "technician";
    public const string Engineer = "engineer";
    public const string Approver = "approver";
    public const string Admin = "admin";

    internal static void Add(AuthorizationOptions options)
    {
        foreach (var role in Enum.GetValues<Role>())
        {
            options.AddPolicy(role.Name(), policy => policy.RequireAuthenticatedUser().RequireRole(Satisfying(role)));
        }
        // An endpoint that forgot its declaration is still closed to strangers; the endpoint table test names it.
        options.FallbackPolicy = options.GetPolicy(Viewer);
    }

    /// <summary>The roles that satisfy <paramref name="required"/>.</summary>
    public static IEnumerable<string> Satisfying(Role required) => required switch
    {
        Role.Viewer => Enum.GetValues<Role>().Select(r => r.Name()),
        Role.Approver => [Role.Approver.Name()],
        Role.Admin => [Role.Admin.Name()],
        _ => [required.Name(), Role.Admin.Name()],
    };
}
