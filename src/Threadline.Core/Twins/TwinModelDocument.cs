using System.Text.Json;
using System.Text.Json.Serialization;
using Threadline.Plm;
using Threadline.Prediction.Health;

namespace Threadline.Twins;

/// <summary>
/// A derived property as the document declares it: <see cref="Formula"/> over signals and other derived properties, by
/// name (docs/twin-models.md gives the language), giving a value in <see cref="Unit"/>.
/// </summary>
public sealed record DerivedDeclaration(string Name, string Unit, string Formula, string Description = "");

/// <summary>
/// A correlation rule as the document declares it. <see cref="Description"/> is the hypothesis shown with the alert
/// (generated from the conditions when absent); <see cref="RecommendedAction"/> defaults to the failure mode's.
/// </summary>
public sealed record RuleDeclaration(
    string Id,
    IReadOnlyList<CorrelationCondition> Conditions,
    string? FailureMode = null,
    string? Description = null,
    LimitSeverity Severity = LimitSeverity.Warning,
    string? RecommendedAction = null);

/// <summary>
/// A failure mode as the document declares it: the action to take when it becomes likely, its prior probability (0..1,
/// present with no evidence) and the signals that testify to it (<see cref="SignalEvidence"/>; none: only rules point to it).
/// </summary>
public sealed record FailureModeDeclaration(
    string Id,
    string Name,
    string RecommendedAction = "",
    double Prior = 0.01,
    IReadOnlyList<SignalEvidence>? Evidence = null);

/// <summary>
/// A monitored component as the document declares it: the BOM item that is it (<see cref="Item"/>, by item number), or
/// several alternatives (<see cref="Items"/>), the signals that measure it and the failure modes it is subject to.
/// </summary>
public sealed record ComponentDeclaration(
    string Id,
    string? Name = null,
    string? Item = null,
    IReadOnlyList<string>? Items = null,
    IReadOnlyList<string>? Signals = null,
    IReadOnlyList<string>? FailureModes = null);

/// <summary>
/// The twin model document of a product revision: what a twin of a unit at that revision measures, computes and concludes,
/// as PLM data (docs/twin-models.md). Edited on a Draft with the BOM and the limits, frozen by the release, copied by a new
/// revision. Only <see cref="Signals"/> is required. Two documents are equal when their canonical JSON is
/// (<see cref="CanonicalJson"/>), so a document stored and read back equals the one written.
/// </summary>
public sealed class TwinModelDocument : IEquatable<TwinModelDocument>
{
    private string? _canonical;

    /// <summary>Name shown in DTDL and views; the item's name when absent.</summary>
    public string? DisplayName { get; init; }

    public IReadOnlyList<TwinSignal> Signals { get; init; } = [];

    public IReadOnlyList<DerivedDeclaration> Derived { get; init; } = [];

    /// <summary>When the unit counts as running; absent: always, so every detector judges every sample.</summary>
    public RunningRule? Running { get; init; }

    /// <summary>The operating-point bins the baseline is conditioned on; absent: one bin.</summary>
    public OperatingBins? OperatingBins { get; init; }

    public IReadOnlyList<RuleDeclaration> Rules { get; init; } = [];

    public IReadOnlyList<FailureModeDeclaration> FailureModes { get; init; } = [];

    /// <summary>The remaining-useful-life rule; absent: no RUL.</summary>
    public RulRule? Rul { get; init; }

    public IReadOnlyList<ComponentDeclaration> Components { get; init; } = [];

    /// <summary>Detector settings; absent: the defaults of <see cref="TwinTuning"/>.</summary>
    public TwinTuning? Tuning { get; init; }

    /// <summary>The document as JSON with the keys of docs/twin-models.md, absent values left out, always the same text for the same document.</summary>
    [JsonIgnore]
    public string CanonicalJson => _canonical ??= JsonSerializer.Serialize(this, TwinModelJson.Options);

    /// <summary>
    /// The model of a revision that declares no document: one signal for each signal its design limits name, in the
    /// limit's unit, so a unit is still watched against its limits by the one limit rule (docs/twin-models.md). Null when
    /// the revision has no limits either.
    /// </summary>
    public static TwinModelDocument? FromLimits(ItemRevision revision)
    {
        var signals = revision.Limits
            .GroupBy(l => l.Signal, StringComparer.Ordinal)
            .Select(g => new TwinSignal(g.Key, g.First().Unit, $"{g.Key} (declared by a design limit)"))
            .ToArray();
        return signals.Length == 0 ? null : new TwinModelDocument { Signals = signals };
    }

    public bool Equals(TwinModelDocument? other) => other is not null && (ReferenceEquals(this, other) || CanonicalJson == other.CanonicalJson);

    public override bool Equals(object? obj) => Equals(obj as TwinModelDocument);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(CanonicalJson);
}

/// <summary>Reads and writes twin model documents as JSON: camelCase keys, enums as camelCase strings, unknown keys refused.</summary>
public static class TwinModelJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        // Names only: an undeclared number ("kind": 99) would be stored and never match anything.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        // YAML hands every plain scalar over as text (its type is the target field's); JSON may do the same.
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A misspelt key ("deadBand") would otherwise be dropped without a word and the model would silently differ.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Parses a document; a text that is not one is a <see cref="PlmRuleException"/> naming the place (JSON path and line).</summary>
    public static TwinModelDocument Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TwinModelDocument>(json, Options)
                ?? throw PlmRuleException.Invalid("twin-model-invalid", "The twin model document is empty (null).");
        }
        catch (JsonException ex)
        {
            var where = ex.Path is { Length: > 1 } path ? $" at {path}" : "";
            var line = ex.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw PlmRuleException.Invalid("twin-model-invalid", $"The twin model document is not valid{where}{line}: {FirstSentence(ex.Message)}");
        }
    }

    // System.Text.Json appends its own path and position after the first sentence; the caller states them once.
    private static string FirstSentence(string message) =>
        message.IndexOf(" Path: ", StringComparison.Ordinal) is var cut and > 0 ? message[..cut] : message;
}
