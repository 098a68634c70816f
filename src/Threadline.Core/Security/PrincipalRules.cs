namespace Threadline.Security;

/// <summary>The rules every principal obeys, whichever channel created it (API, CLI, bootstrap, demo).</summary>
public static class PrincipalRules
{
    public const int MaxNameLength = 64;

    public const int MinPasswordLength = 12;

    /// <summary>Role names as the API and the CLI spell them (lower case).</summary>
    public static string Name(this Role role) => role.ToString().ToLowerInvariant();

    /// <summary>Parses role names, refusing an unknown one by name.</summary>
    public static IReadOnlyList<Role> ParseRoles(IEnumerable<string>? names)
    {
        var roles = new List<Role>();
        foreach (var name in names ?? [])
        {
            if (!Enum.TryParse<Role>(name, ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(name, out _))
            {
                throw SecurityRuleException.Invalid("unknown-role",
                    $"'{name}' is not a role; the roles are {string.Join(", ", Enum.GetValues<Role>().Select(r => r.Name()))}.");
            }
            if (!roles.Contains(role))
            {
                roles.Add(role);
            }
        }
        return roles;
    }

    /// <summary>Refuses a principal that breaks a rule: a bad name, no role, or a service principal holding approver.</summary>
    public static void Validate(PrincipalKind kind, string name, IReadOnlyCollection<Role> roles)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength
            || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            throw SecurityRuleException.Invalid("invalid-name",
                $"A name has 1 to {MaxNameLength} characters among letters, digits, '.', '-', '_' and '@'; '{name}' does not.");
        }
        if (roles.Count == 0)
        {
            throw SecurityRuleException.Invalid("no-role", $"'{name}' must hold at least one role.");
        }
        // A signature on a change order stands for a person's judgement; an integration's token cannot give one.
        if (kind == PrincipalKind.Service && roles.Contains(Role.Approver))
        {
            throw SecurityRuleException.Invalid("service-approver", $"Service principal '{name}' cannot hold the approver role: approvals are signed by people.");
        }
    }

    public static void ValidatePassword(string? password)
    {
        if (password is null || password.Length < MinPasswordLength)
        {
            throw SecurityRuleException.Invalid("weak-password", $"A password has at least {MinPasswordLength} characters.");
        }
    }
}
