using System.Text;
using System.Text.Json.Nodes;
using Threadline.Plm;
using Threadline.Twins;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Threadline.Features.Plm;

/// <summary>
/// Twin model documents as requests carry them (JSON, YAML or a DTDL v3 interface) and the check every document passes
/// before PLM stores it: compiled as the twin runtime will compile it, and bound to the revision's design limits.
/// </summary>
public static class TwinModelDocuments
{
    /// <summary>Parses a YAML document into the same document JSON would give: plain scalars that read as numbers, booleans or null are those, quoted ones text.</summary>
    public static TwinModelDocument ParseYaml(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw PlmRuleException.Invalid("twin-model-invalid", $"The twin model document is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.Message}");
        }
        if (stream.Documents.Count != 1)
        {
            throw PlmRuleException.Invalid("twin-model-invalid", $"A YAML twin model is one document; this text holds {stream.Documents.Count}.");
        }
        return TwinModelJson.Parse(ToJson(stream.Documents[0].RootNode)?.ToJsonString() ?? "null");
    }

    /// <summary>
    /// Refuses a document the twin runtime could not run for this revision: every problem of the document itself
    /// (Threadline.TwinModels), then a design limit in another unit than the model's signal.
    /// </summary>
    public static void Check(Item item, ItemRevision revision, TwinModelDocument document)
    {
        var family = TwinModels.TwinModelCompiler.Compile(document, item);
        TwinModel.For(family, item.Number, revision);
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(
            p.Key is YamlScalarNode key ? key.Value ?? "" : throw PlmRuleException.Invalid("twin-model-invalid", $"Line {p.Key.Start.Line}: a key of a twin model document is a plain name."),
            ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw PlmRuleException.Invalid("twin-model-invalid", $"Line {node.Start.Line}: YAML aliases and tags are not part of a twin model document."),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? JsonValue.Create(number)
            : JsonValue.Create(text);
    }

    /// <summary>Reads a request body as text, refusing one larger than a twin model document plausibly is.</summary>
    public static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        const int MaxBytes = 1 << 20;
        if (request.ContentLength > MaxBytes)
        {
            throw PlmRuleException.Invalid("twin-model-too-large", $"A twin model document is at most {MaxBytes} bytes; this one declares {request.ContentLength}.");
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = new StringBuilder();
        var chunk = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(chunk, ct)) > 0)
        {
            text.Append(chunk, 0, read);
            if (text.Length > MaxBytes)
            {
                throw PlmRuleException.Invalid("twin-model-too-large", $"A twin model document is at most {MaxBytes} characters.");
            }
        }
        return text.ToString();
    }
}
