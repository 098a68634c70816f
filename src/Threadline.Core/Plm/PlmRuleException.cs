namespace Threadline.Plm;

/// <summary>What kind of rule a request broke; the API maps each to an HTTP status.</summary>
public enum RuleViolationKind
{
    /// <summary>Something named in the request does not exist.</summary>
    NotFound,

    /// <summary>The request is well formed but the record's current state forbids it (a released revision, a lifecycle step).</summary>
    Conflict,

    /// <summary>The request itself is wrong (a cycle, an inverted range, a missing field).</summary>
    Invalid,
}

/// <summary>
/// A request that the PLM rules refuse. <see cref="Code"/> is a stable, machine-readable name
/// (for example <c>bom-cycle</c>); the message says what is wrong in words a user can act on.
/// Thrown before anything is changed: a refused request never leaves a partial write.
/// </summary>
public sealed class PlmRuleException(RuleViolationKind kind, string code, string message) : Exception(message)
{
    public RuleViolationKind Kind { get; } = kind;

    public string Code { get; } = code;

    /// <summary>Further machine-readable members of the problem (for a formula: the property, the formula and the position).</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; init; } = new Dictionary<string, object?>();

    public static PlmRuleException UnknownItem(string number) =>
        new(RuleViolationKind.NotFound, "unknown-item", $"Item '{number}' does not exist.");

    public static PlmRuleException UnknownRevision(string number, string revision) =>
        new(RuleViolationKind.NotFound, "unknown-revision", $"Item '{number}' has no revision '{revision}'.");

    public static PlmRuleException Invalid(string code, string message) => new(RuleViolationKind.Invalid, code, message);

    public static PlmRuleException Conflict(string code, string message) => new(RuleViolationKind.Conflict, code, message);
}
