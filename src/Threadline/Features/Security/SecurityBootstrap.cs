using Microsoft.Extensions.Options;
using Threadline.Security;

namespace Threadline.Features.Security;

/// <summary>First start: a store without any principal gets user "admin" from Security:BootstrapAdminPassword, or the server refuses to start.</summary>
public static class SecurityBootstrap
{
    public const string AdminName = "admin";

    public static async Task EnsureAdminAsync(IServiceProvider services, CancellationToken ct)
    {
        var security = services.GetRequiredService<SecurityService>();
        if (await security.AnyPrincipalAsync(ct))
        {
            return;
        }
        var password = services.GetRequiredService<IOptions<SecurityOptions>>().Value.BootstrapAdminPassword;
        if (string.IsNullOrEmpty(password))
        {
            throw new OptionsValidationException(SecurityOptions.Section, typeof(SecurityOptions),
            [
                "No user exists yet, and nobody may use a server without one. Create the first admin with "
                + "`threadline users add NAME --role admin` (the password is read from stdin), or set Security:BootstrapAdminPassword "
                + "(environment THREADLINE__SECURITY__BOOTSTRAPADMINPASSWORD) to create user 'admin' at this start.",
            ]);
        }
        try
        {
            await security.CreateUserAsync(AdminName, password, [Role.Admin.Name()], ct);
        }
        catch (Exception raced) when (raced is Microsoft.EntityFrameworkCore.DbUpdateException or SecurityRuleException { Code: "name-taken" })
        {
            // Several servers on one new PostgreSQL database start at once: one of them creates the admin.
            return;
        }
        await services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEvent("threadline", nameof(PrincipalKind.Service),
            "bootstrap admin", "/api/users/" + AdminName), ct);
    }
}
