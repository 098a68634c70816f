using System.Globalization;
using System.Text;
using System.Text.Json;
using Threadline.Plm;

namespace Threadline.Twins;

/// <summary>
/// Exports a twin model as a DTDL v3 Interface (JSON-LD text): signals as Telemetry, derived properties, aggregates,
/// health, RUL and failure-mode probabilities as read-only Properties, and each design limit of the unit's revision as a
/// read-only Property whose description carries the value, unit and severity. Units with an exact name in the DTDL v3
/// QuantitativeTypes extension (dtmi:dtdl:extension:quantitativeTypes;1) are co-typed with it; the others (mm/s, ratios)
/// are plain telemetry whose description states the unit.
/// </summary>
public static class DtdlExport
{
    public const string Context = "dtmi:dtdl:context;3";
    public const string QuantitativeTypes = "dtmi:dtdl:extension:quantitativeTypes;1";

    /// <summary>The contents every exported interface carries that Threadline computes itself (no document declares them).</summary>
    public static IReadOnlySet<string> GeneratedContents { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "runningHours", "startStopCycles", "health", "rulDays", "rulLowerDays", "rulUpperDays", "alert",
    };

    /// <summary>The Threadline unit of a DTDL v3 QuantitativeTypes unit name, where the export maps one.</summary>
    public static string? UnitOfSemantic(string semanticUnit) =>
        Semantics.FirstOrDefault(p => string.Equals(p.Value.Unit, semanticUnit, StringComparison.Ordinal)).Key;

    // Exact semantic type and unit names of QuantitativeTypes v1; mm/s has no unit there (VelocityUnit stops at cm/s).
    private static readonly Dictionary<string, (string Type, string Unit)> Semantics = new(StringComparer.Ordinal)
    {
        ["°C"] = ("Temperature", "degreeCelsius"),
        ["m"] = ("Length", "metre"),
        ["m³/h"] = ("VolumeFlowRate", "cubicMetrePerHour"),
        ["bar"] = ("Pressure", "bar"),
        ["A"] = ("Current", "ampere"),
        ["rpm"] = ("AngularVelocity", "revolutionPerMinute"),
        ["mL/h"] = ("VolumeFlowRate", "millilitrePerHour"),
        ["kW"] = ("Power", "kilowatt"),
        ["h"] = ("TimeSpan", "hour"),
        ["d"] = ("TimeSpan", "day"),
    };

    /// <summary>
    /// The DTMI of a model: <c>dtmi:threadline:{family}:rev{revision};1</c>, with the asset (lower case, non-alphanumerics as
    /// underscores) as a further segment when given, since the limits make each revision, and so each unit, its own type.
    /// </summary>
    public static string Dtmi(TwinModel model, string? assetId = null)
    {
        var id = $"dtmi:threadline:{Segment(model.Family.DtmiSegment)}:rev{Segment(model.Revision)}";
        return (assetId is null ? id : id + ":" + Segment(assetId.ToLowerInvariant())) + ";1";
    }

    public static string Interface(TwinModel model, string? assetId = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("@context");
            json.WriteStringValue(Context);
            json.WriteStringValue(QuantitativeTypes);
            json.WriteEndArray();
            json.WriteString("@id", Dtmi(model, assetId));
            json.WriteString("@type", "Interface");
            json.WriteString("displayName", Clip($"{model.Family.DisplayName} rev {model.Revision}", 64));
            json.WriteString("description", Clip(
                $"Twin of {(assetId is null ? "a unit" : assetId)} of {model.Item} at revision {model.Revision}: limits from that revision's PLM record.", 512));
            json.WriteStartArray("contents");

            foreach (var signal in model.Signals)
            {
                var limits = model.LimitsOf(signal.Name);
                var described = limits.Count == 0
                    ? $"{signal.Description}, in {signal.Unit}."
                    : $"{signal.Description}, in {signal.Unit}. Limits of revision {model.Revision}: {string.Join("; ", limits.Select(Describe))}.";
                Element(json, "Telemetry", Segment(signal.Name), signal.Unit, described);
            }
            foreach (var signal in model.Signals)
            {
                foreach (var limit in model.LimitsOf(signal.Name))
                {
                    if (limit.Min is not null)
                    {
                        Element(json, "Property", LimitName(limit, "min"), limit.Unit, $"{Describe(limit)} (design limit of {model.Item} rev {model.Revision}).");
                    }
                    if (limit.Max is not null)
                    {
                        Element(json, "Property", LimitName(limit, "max"), limit.Unit, $"{Describe(limit)} (design limit of {model.Item} rev {model.Revision}).");
                    }
                }
            }
            foreach (var derived in model.Family.Derived)
            {
                Element(json, "Property", Segment(derived.Name), derived.Unit, $"{derived.Description}, in {derived.Unit}.", comment: FormulaComment + derived.Formula);
            }
            Element(json, "Property", "runningHours", "h", "Hours run, in h.");
            Element(json, "Property", "startStopCycles", "", "Start and stop cycles counted.", "integer");
            Element(json, "Property", "health", "ratio", "Health from 0 (failed) to 1 (as new).");
            Element(json, "Property", "rulDays", "d", model.Family.Rul is null
                ? "Remaining useful life in days: the model declares no RUL rule, so none is estimated."
                : $"Remaining useful life in days: 7-day trend of {model.Rul.Signal} extrapolated to its limit, capped at {Format(model.Rul.HorizonDays)} d.");
            Element(json, "Property", "rulLowerDays", "d", "Lower bound of the 95 % interval of the remaining useful life, in days.");
            Element(json, "Property", "rulUpperDays", "d", "Upper bound of the 95 % interval of the remaining useful life, in days.");
            foreach (var mode in model.Family.FailureModes)
            {
                Element(json, "Property", "p_" + Segment(mode.Id), "ratio", Clip($"Probability of {mode.Name}. Action: {mode.RecommendedAction}", 512));
            }
            Element(json, "Telemetry", "alert", "", "An alert raised or cleared, as JSON with its evidence and PLM context.", "string");

            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A derived property's formula travels in its DTDL comment ("a comment for model authors"), after this prefix, so an import gets it back.</summary>
    public const string FormulaComment = "threadline formula: ";

    private static void Element(Utf8JsonWriter json, string type, string name, string unit, string description, string schema = "double", string? comment = null)
    {
        json.WriteStartObject();
        if (Semantics.TryGetValue(unit, out var semantic))
        {
            json.WriteStartArray("@type");
            json.WriteStringValue(type);
            json.WriteStringValue(semantic.Type);
            json.WriteEndArray();
        }
        else
        {
            json.WriteString("@type", type);
        }
        json.WriteString("name", name);
        json.WriteString("schema", schema);
        if (semantic.Unit is not null)
        {
            json.WriteString("unit", semantic.Unit);
        }
        json.WriteString("description", Clip(description, 512));
        if (comment is not null)
        {
            json.WriteString("comment", Clip(comment, 512));
        }
        json.WriteEndObject();
    }

    private static string LimitName(DesignLimit limit, string bound) =>
        $"{Segment(limit.Signal)}_{limit.Severity.ToString().ToLowerInvariant()}_{bound}";

    private static string Describe(DesignLimit limit)
    {
        var severity = limit.Severity.ToString().ToLowerInvariant();
        return (limit.Min, limit.Max) switch
        {
            ({ } min, { } max) => $"{severity} outside {Format(min)}..{Format(max)} {limit.Unit}",
            ({ } min, null) => $"{severity} below {Format(min)} {limit.Unit}",
            (null, { } max) => $"{severity} above {Format(max)} {limit.Unit}",
            _ => severity,
        };
    }

    /// <summary>A DTDL name or DTMI segment: letters, digits and inner underscores, starting with a letter.</summary>
    public static string Segment(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        var segment = new string(chars).Trim('_');
        while (segment.Contains("__", StringComparison.Ordinal))
        {
            segment = segment.Replace("__", "_", StringComparison.Ordinal);
        }
        return segment.Length > 0 && char.IsAsciiLetter(segment[0]) ? segment : "x" + segment;
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
