using System.CommandLine;
using Threadline.Cli;
using Threadline.Hosting;
using Threadline.Security;

namespace Threadline.Features.Security;

/// <summary>`threadline users add|list|disable|roles` and `threadline audit verify`: the store's principals and its chain, without a running server.</summary>
public static class SecurityCommands
{
    public static Command Users()
    {
        var data = ServerCommands.DataOption();
        var name = new Argument<string>("name") { Description = "The user name." };
        var roles = new Option<string[]>("--role") { Description = "A role (repeat for several): viewer, operator, technician, engineer, approver, admin.", Required = true, AllowMultipleArgumentsPerToken = true };
        var add = new Command("add", "Create a local user; the password is read from the first line of stdin (so it stays out of the shell history).") { name, roles, data };
        add.SetAction((result, ct) => WithSecurity(result.GetValue(data),
            (services, ct2) => AddUserAsync(services, result.GetValue(name)!, result.GetValue(roles) ?? [], Console.In, Console.Out, ct2), ct));

        var list = new Command("list", "Users and service principals with their roles.") { data };
        list.SetAction((result, ct) => WithSecurity(result.GetValue(data), async (services, ct2) =>
        {
            var security = services.GetRequiredService<SecurityService>();
            foreach (var p in (await security.ListAsync(PrincipalKind.User, ct2)).Concat(await security.ListAsync(PrincipalKind.Service, ct2)))
            {
                Console.WriteLine($"{p.Name}\t{p.Kind}\t{string.Join(',', p.Roles)}{(p.Disabled ? "\tdisabled" : "")}");
            }
            return 0;
        }, ct));

        var disableName = new Argument<string>("name") { Description = "The user or service principal." };
        var disable = new Command("disable", "Disable a principal (never deleted: the audit trail names it).") { disableName, data };
        disable.SetAction((result, ct) => WithSecurity(result.GetValue(data), async (services, ct2) =>
        {
            var principal = await services.GetRequiredService<SecurityService>().SetDisabledAsync(result.GetValue(disableName)!, disabled: true, ct2);
            await services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEvent(Environment.UserName, "Cli", "users disable", "/api/users/" + principal.Name,
                Source: Environment.MachineName), ct2);
            Console.WriteLine($"Disabled {principal.Name}.");
            return 0;
        }, ct));

        var command = new Command("users", "People and service principals in the store.");
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(disable);
        return command;
    }

    public static Command Audit()
    {
        var data = ServerCommands.DataOption();
        var verify = new Command("verify", "Recompute the audit chain. Exit code 0: intact; 1: the first broken entry is named.") { data };
        verify.SetAction((result, ct) => WithSecurity(result.GetValue(data), (services, ct2) => VerifyAsync(services, Console.Out, Console.Error, ct2), ct));
        var command = new Command("audit", "The hash-chained audit trail.");
        command.Subcommands.Add(verify);
        return command;
    }

    /// <summary>`users add`: the password is the first line of <paramref name="input"/>.</summary>
    public static async Task<int> AddUserAsync(IServiceProvider services, string name, IReadOnlyList<string> roles, TextReader input, TextWriter output, CancellationToken ct)
    {
        var password = (await input.ReadLineAsync(ct))?.TrimEnd('\r');
        var user = await services.GetRequiredService<SecurityService>().CreateUserAsync(name, password, roles, ct);
        await services.GetRequiredService<AuditTrail>().AppendAsync(new AuditEvent(Environment.UserName, "Cli", "users add", "/api/users/" + user.Name,
            After: string.Join(',', user.Roles), Source: Environment.MachineName), ct);
        await output.WriteLineAsync($"Created user {user.Name} ({string.Join(", ", user.Roles)}).");
        return 0;
    }

    /// <summary>`audit verify`: 0 when the chain is intact, 1 with the first broken entry named on <paramref name="error"/>.</summary>
    public static async Task<int> VerifyAsync(IServiceProvider services, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var trail = services.GetRequiredService<AuditTrail>();
        if (await trail.VerifyAsync(ct) is { } broken)
        {
            await error.WriteLineAsync("threadline: the audit chain is broken: " + broken);
            return 1;
        }
        await output.WriteLineAsync($"The audit chain is intact: {await trail.CountAsync(ct)} entries.");
        return 0;
    }

    private static Task<int> WithSecurity(string? data, Func<IServiceProvider, CancellationToken, Task<int>> run, CancellationToken ct) =>
        ServerCommands.WithConfigurationErrorsReported(async () =>
        {
            await using var services = await ToolServices.StartAsync(ServerCommands.Flags(null, data), ct);
            try
            {
                return await run(services, ct);
            }
            catch (SecurityRuleException refused)
            {
                await Console.Error.WriteLineAsync($"threadline: {refused.Message}");
                return 2;
            }
        });
}
