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
    /// <summary>Deepest nesting a YAML twin model may have (the document itself is four levels deep).</summary>
    private const int MaxYamlDepth = 16;

    /// <summary>
    /// Parses a YAML document into the same document JSON would give. Plain scalars go over as text and take the type
    /// of the field they land in (so <c>unit: 1</c> is the unit "1" and <c>value: 4.0</c> a number); <c>~</c>, <c>null</c>
    /// and empty values are null. Aliases, tags on keys, duplicate keys and deep nesting are refused: a twin model
    /// needs none of them, and an alias can make a few hundred bytes expand without end.
    /// </summary>
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
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        return TwinModelJson.Parse(ToJson(stream.Documents[0].RootNode, 0, seen)?.ToJsonString() ?? "null");
    }

    /// <summary>
    /// Refuses a document the twin runtime could not run for an item: every problem of the document itself, found by
    /// compiling it as the runtime will (Threadline.TwinModels). Its fit with a revision's limits is the domain's rule,
    /// checked by <see cref="PlmCatalog.SetTwinModel"/> and <see cref="PlmCatalog.SetLimits"/>.
    /// </summary>
    public static void Check(Item item, TwinModelDocument document) => TwinModels.TwinModelCompiler.Compile(document, item);

    private static JsonNode? ToJson(YamlNode node, int depth, HashSet<YamlNode> seen)
    {
        // YamlDotNet resolves an alias to the node it names, so a node met twice is an alias.
        if (!seen.Add(node))
        {
            throw Invalid(node, "YAML anchors and aliases are not part of a twin model document");
        }
        if (depth > MaxYamlDepth)
        {
            throw Invalid(node, $"the document nests deeper than {MaxYamlDepth} levels");
        }
        switch (node)
        {
            case YamlMappingNode map:
                var json = new JsonObject();
                foreach (var (keyNode, value) in map.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key } || !keyNode.Tag.IsEmpty)
                    {
                        throw Invalid(keyNode, "a key of a twin model document is a plain name");
                    }
                    if (json.ContainsKey(key))
                    {
                        throw Invalid(keyNode, $"the key '{key}' appears twice");
                    }
                    json[key] = ToJson(value, depth + 1, seen);
                }
                return json;
            case YamlSequenceNode list:
                return new JsonArray([.. list.Children.Select(child => ToJson(child, depth + 1, seen))]);
            case YamlScalarNode scalar:
                return scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL" or null
                    ? null
                    : JsonValue.Create(scalar.Value);
            default:
                throw Invalid(node, "this kind of YAML node is not part of a twin model document");
        }
    }

    private static PlmRuleException Invalid(YamlNode node, string why) =>
        PlmRuleException.Invalid("twin-model-invalid", $"The twin model document is not valid (line {node.Start.Line}, column {node.Start.Column}): {why}.");

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
