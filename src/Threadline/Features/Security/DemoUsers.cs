using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Threadline.Security;

namespace Threadline.Features.Security;

/// <summary>One demo user a role a person plays in the tour; passwords are random and shown once, when the user is created.</summary>
public static class DemoUsers
{
    public static readonly (string Name, Role Role)[] People =
        [("admin", Role.Admin), ("engineer", Role.Engineer), ("approver", Role.Approver), ("operator", Role.Operator), ("technician", Role.Technician)];

    /// <summary>Creates the demo users that do not exist yet; returns the name and password of each one created.</summary>
    public static async Task<IReadOnlyList<(string Name, string Password)>> SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var security = services.GetRequiredService<SecurityService>();
        var bootstrap = services.GetRequiredService<IOptions<SecurityOptions>>().Value.BootstrapAdminPassword;
        var existing = (await security.ListAsync(PrincipalKind.User, ct)).Select(u => u.Name).ToHashSet(StringComparer.Ordinal);
        var created = new List<(string, string)>();
        foreach (var (name, role) in People.Where(p => !existing.Contains(p.Name)))
        {
            var password = name == SecurityBootstrap.AdminName && !string.IsNullOrEmpty(bootstrap)
                ? bootstrap
                : Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
            var user = await security.CreateUserAsync(name, password, [role.Name(), Role.Viewer.Name()], ct);
            await services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEvent("threadline", nameof(PrincipalKind.Service), "demo users",
                "/api/users/" + user.Name, After: string.Join(',', user.Roles)), ct);
            created.Add((name, password));
        }
        return created;
    }
}
