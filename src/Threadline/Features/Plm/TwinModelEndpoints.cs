using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Threadline.Api;
using Threadline.Features.Security;
using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.Features.Plm;

/// <summary>The twin model document of a product revision: PLM data, edited on a Draft and frozen by the release (docs/twin-models.md).</summary>
public static class TwinModelEndpoints
{
    public static IEndpointRouteBuilder MapTwinModelEndpoints(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/items").WithTags("PLM").RequireAuthorization(RolePolicies.Viewer);
        items.MapPut("/{number}/revisions/{revision}/twin-model", Put).RequireAuthorization(RolePolicies.Engineer)
            .WithSummary("Set the twin model document of a Draft revision (JSON; YAML with Content-Type application/yaml; format=dtdl imports a DTDL v3 interface)");
        items.MapGet("/{number}/revisions/{revision}/twin-model", Get)
            .WithSummary("The twin model document of a revision; format=dtdl gives it as a DTDL v3 interface with the revision's limits");
        items.MapDelete("/{number}/revisions/{revision}/twin-model", Delete).RequireAuthorization(RolePolicies.Engineer).WithSummary("Remove the twin model document of a Draft revision");
        items.MapGet("/{number}/twin-model", InEffect).WithSummary("The twin model document of the revision in effect on a date (?at=, default now)");
        return app;
    }

    /// <summary>A revision's document; <see cref="NotCarried"/> lists what a DTDL import could not take over.</summary>
    public sealed record TwinModelResponse(string Item, string Revision, string State, JsonElement Document, IReadOnlyList<string>? NotCarried = null);

    private static async Task<Ok<TwinModelResponse>> Put(string number, string revision, string? format, HttpRequest request, PlmService plm, CancellationToken ct)
    {
        var text = await TwinModelDocuments.ReadBodyAsync(request, ct);
        IReadOnlyList<string>? notCarried = null;
        TwinModelDocument document;
        if (string.Equals(format, "dtdl", StringComparison.OrdinalIgnoreCase))
        {
            var imported = DtdlImport.Read(text);
            (document, notCarried) = (imported.Document, imported.NotCarried);
        }
        else if (format is not null)
        {
            throw PlmRuleException.Invalid("invalid-format", $"format '{format}' is not supported; leave it out for JSON or YAML, or use format=dtdl.");
        }
        else
        {
            document = IsYaml(request.ContentType) ? TwinModelDocuments.ParseYaml(text) : TwinModelJson.Parse(text);
        }
        // Compiled before the write, outside the PLM write gate: a document's own problems do not depend on the catalog's state.
        TwinModelDocuments.Check((await plm.CatalogAsync(ct)).Get(number), document);
        var item = await plm.ChangeAsync((catalog, _) => catalog.SetTwinModel(number, revision, document), ct);
        return TypedResults.Ok(Response(item, item.GetRevision(revision), notCarried));
    }

    private static async Task<IResult> Get(string number, string revision, string? format, PlmService plm, CancellationToken ct)
    {
        var item = (await plm.CatalogAsync(ct)).Get(number);
        var rev = item.GetRevision(revision);
        var document = rev.TwinModel ?? throw NoDocument(item, rev);
        if (string.Equals(format, "dtdl", StringComparison.OrdinalIgnoreCase))
        {
            var family = TwinModels.TwinModelCompiler.Compile(document, item);
            return TypedResults.Content(DtdlExport.Interface(TwinModel.For(family, item.Number, rev)), "application/json");
        }
        if (format is not null)
        {
            throw PlmRuleException.Invalid("invalid-format", $"format '{format}' is not supported; leave it out for the document, or use format=dtdl.");
        }
        return TypedResults.Ok(Response(item, rev));
    }

    private static async Task<Ok<TwinModelResponse>> Delete(string number, string revision, PlmService plm, CancellationToken ct)
    {
        var item = await plm.ChangeAsync((catalog, _) => catalog.SetTwinModel(number, revision, null), ct);
        return TypedResults.Ok(Response(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<TwinModelResponse>> InEffect(string number, string? at, PlmService plm, CancellationToken ct)
    {
        var when = RequestValues.ParseOptionalInstant(at, "at") ?? plm.Time.GetUtcNow();
        var item = (await plm.CatalogAsync(ct)).Get(number);
        var rev = item.Revisions.LastOrDefault(r => r.InEffectOn(when)) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "no-revision-in-effect",
            $"No revision of '{item.Number}' is in effect on {when:O}.");
        _ = rev.TwinModel ?? throw NoDocument(item, rev);
        return TypedResults.Ok(Response(item, rev));
    }

    private static TwinModelResponse Response(Item item, ItemRevision revision, IReadOnlyList<string>? notCarried = null) => new(
        item.Number, revision.Code, revision.State.ToString(),
        revision.TwinModel is { } document ? JsonDocument.Parse(document.CanonicalJson).RootElement.Clone() : default,
        notCarried);

    private static bool IsYaml(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/yaml", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/x-yaml", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("text/yaml", StringComparison.OrdinalIgnoreCase));

    private static PlmRuleException NoDocument(Item item, ItemRevision revision) => new(RuleViolationKind.NotFound, "no-twin-model",
        $"Revision {revision.Code} of '{item.Number}' declares no twin model document; its twins watch only the signals its design limits name.");
}
