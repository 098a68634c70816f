namespace Threadline.Security;

/// <summary>A request the security rules refuse; <see cref="Code"/> is stable, the message says what to change.</summary>
public sealed class SecurityRuleException(bool notFound, string code, string message) : Exception(message)
{
    public bool NotFound { get; } = notFound;

    public string Code { get; } = code;

    public static SecurityRuleException Invalid(string code, string message) => new(false, code, message);

    public static SecurityRuleException Unknown(string name) => new(true, "unknown-principal", $"No principal is named '{name}'.");
}
