using System.Text.Json;
using System.Text.RegularExpressions;
using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>What a DTDL import gave: the document, and each content of the interface a twin model document cannot take from DTDL, in words.</summary>
public sealed record DtdlImportResult(TwinModelDocument Document, IReadOnlyList<string> NotCarried);

/// <summary>
/// Reads a DTDL v3 Interface into a twin model document: Telemetry and Property contents with a numeric schema become
/// signals (name, unit from the QuantitativeTypes unit or from the description's "in UNIT", description); a Property
/// whose comment holds a Threadline formula (as <see cref="DtdlExport"/> writes it) becomes a derived property. What DTDL
/// cannot say (failure modes, rules, the running rule, deadbands) is not guessed: it is listed in
/// <see cref="DtdlImportResult.NotCarried"/>, as are the contents Threadline generates itself and the design limits,
/// which belong to the PLM revision. A content whose unit cannot be read is refused.
/// </summary>
public static partial class DtdlImport
{
    private static readonly HashSet<string> NumericSchemas = new(StringComparer.Ordinal) { "double", "float", "integer", "long" };

    public static DtdlImportResult Read(string dtdl)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(dtdl);
        }
        catch (JsonException ex)
        {
            throw PlmRuleException.Invalid("dtdl-invalid", $"The DTDL interface is not JSON (line {(ex.LineNumber ?? 0) + 1}): {ex.Message}");
        }
        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !Types(root).Contains("Interface"))
            {
                throw PlmRuleException.Invalid("dtdl-invalid", "The DTDL document is not one Interface (an object with \"@type\": \"Interface\").");
            }
            if (!Contexts(root).Any(c => c.StartsWith("dtmi:dtdl:context;", StringComparison.Ordinal)))
            {
                throw PlmRuleException.Invalid("dtdl-invalid", "The interface's @context names no DTDL context (dtmi:dtdl:context;3).");
            }

            var notCarried = new List<string>();
            var problems = new List<string>();
            var signals = new List<TwinSignal>();
            var derived = new List<DerivedDeclaration>();
            var contents = root.TryGetProperty("contents", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().ToArray() : [];
            var telemetryNames = contents.Where(e => Types(e).Contains("Telemetry")).Select(e => Text(e, "name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < contents.Length; i++)
            {
                var element = contents[i];
                var types = Types(element);
                var name = Text(element, "name") ?? $"contents[{i}]";
                var kind = types.FirstOrDefault(t => t is "Telemetry" or "Property" or "Command" or "Relationship" or "Component");
                if (kind is null or "Command" or "Relationship" or "Component")
                {
                    notCarried.Add($"{name}: a DTDL {kind ?? "content of unknown type"} has no place in a twin model document.");
                    continue;
                }
                if (DtdlExport.GeneratedContents.Contains(name))
                {
                    notCarried.Add($"{name}: computed by Threadline for every twin, not declared.");
                    continue;
                }
                var formula = kind == "Property" && Text(element, "comment") is { } comment && comment.StartsWith(DtdlExport.FormulaComment, StringComparison.Ordinal)
                    ? comment[DtdlExport.FormulaComment.Length..]
                    : null;
                if (formula is null && kind == "Property" && name.StartsWith("p_", StringComparison.Ordinal))
                {
                    notCarried.Add($"{name}: DTDL carries only a failure mode's probability; declare the failure mode, its evidence and action under failureModes.");
                    continue;
                }
                if (formula is null && kind == "Property" && LimitProperty().Match(name) is { Success: true } limit && telemetryNames.Contains(limit.Groups[1].Value))
                {
                    notCarried.Add($"{name}: a design limit belongs to the PLM revision; set it with PUT .../revisions/{{rev}}/limits.");
                    continue;
                }
                var schema = Text(element, "schema");
                if (schema is null || !NumericSchemas.Contains(schema))
                {
                    notCarried.Add($"{name}: schema {schema ?? "(complex)"} is not a number, and twin signals are numbers.");
                    continue;
                }
                var description = Text(element, "description") ?? DisplayName(element) ?? "";
                var unit = (Text(element, "unit") is { } semantic ? DtdlExport.UnitOfSemantic(semantic) : null) ?? UnitIn(description);
                if (unit is null)
                {
                    problems.Add($"{name} (contents[{i}]) states no unit: neither a QuantitativeTypes unit Threadline maps nor \"in UNIT\" in its description.");
                    continue;
                }
                description = DescriptionWithoutUnit(description, unit);
                if (formula is not null)
                {
                    derived.Add(new DerivedDeclaration(name, unit, formula, description));
                }
                else
                {
                    signals.Add(new TwinSignal(name, unit, description));
                }
            }
            if (problems.Count > 0)
            {
                throw PlmRuleException.Invalid("dtdl-unit-missing", string.Join(" ", problems));
            }
            notCarried.Add("Deadbands, noise floors, the running rule, operating bins, rules, failure modes, RUL rule and components: DTDL has no terms for them; add them to the document.");
            var display = DisplayName(root) is { } shown ? RevisionSuffix().Replace(shown, "") : null;
            return new DtdlImportResult(new TwinModelDocument { DisplayName = display, Signals = signals, Derived = derived }, notCarried);
        }
    }

    [GeneratedRegex(@"^(.+)_(info|warning|critical)_(min|max)$")]
    private static partial Regex LimitProperty();

    [GeneratedRegex(@" rev \S+$")]
    private static partial Regex RevisionSuffix();

    // At the end of the description, or before the limits sentence the export adds to a signal's.
    [GeneratedRegex(@", in (?<unit>[^,]+?)\.(?: Limits of revision .*)?$", RegexOptions.Singleline)]
    private static partial Regex UnitPhrase();

    private static string? UnitIn(string description) =>
        UnitPhrase().Match(description) is { Success: true } m ? m.Groups["unit"].Value : null;

    private static string DescriptionWithoutUnit(string description, string unit)
    {
        var match = UnitPhrase().Match(description);
        return match.Success && match.Groups["unit"].Value == unit ? description[..match.Index] : description;
    }

    private static IReadOnlyList<string> Types(JsonElement element) =>
        !element.TryGetProperty("@type", out var type) ? []
        : type.ValueKind == JsonValueKind.String ? [type.GetString()!]
        : type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)]
        : [];

    private static IReadOnlyList<string> Contexts(JsonElement root) =>
        !root.TryGetProperty("@context", out var context) ? []
        : context.ValueKind == JsonValueKind.String ? [context.GetString()!]
        : context.ValueKind == JsonValueKind.Array ? [.. context.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)]
        : [];

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // A DTDL string property may also be a language map; the first language is taken.
    private static string? DisplayName(JsonElement element) =>
        !element.TryGetProperty("displayName", out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object ? value.EnumerateObject().Select(p => p.Value.GetString()).FirstOrDefault()
        : null;
}
