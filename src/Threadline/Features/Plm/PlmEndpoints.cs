using Microsoft.AspNetCore.Http.HttpResults;
using Threadline.Api;
using Threadline.Features.Security;
using Threadline.Plm;

namespace Threadline.Features.Plm;

public static class PlmEndpoints
{
    public static IEndpointRouteBuilder MapPlmEndpoints(this IEndpointRouteBuilder app)
    {
        var items = app.MapGroup("/api/items").WithTags("PLM").RequireAuthorization(RolePolicies.Viewer);

        items.MapPost("/", CreateItem).RequireAuthorization(RolePolicies.Engineer).WithSummary("Create an item with its first Draft revision");
        items.MapGet("/", ListItems).WithSummary("List items, optionally by kind, family or a text in number or name");
        items.MapGet("/{number}", GetItem).WithSummary("An item and its revisions");
        items.MapPost("/{number}/revisions", CreateRevision).RequireAuthorization(RolePolicies.Engineer).WithSummary("Open the next Draft revision, copying the latest BOM, limits and service BOM");
        items.MapGet("/{number}/revisions/{revision}", GetRevision).WithSummary("A revision with its BOM, limits and service BOM");
        items.MapPut("/{number}/revisions/{revision}/bom", SetBom).RequireAuthorization(RolePolicies.Engineer).WithSummary("Replace the engineering BOM of a Draft revision");
        items.MapPut("/{number}/revisions/{revision}/limits", SetLimits).RequireAuthorization(RolePolicies.Engineer).WithSummary("Replace the design limits of a Draft revision");
        items.MapPut("/{number}/revisions/{revision}/service-bom", SetServiceBom).RequireAuthorization(RolePolicies.Engineer).WithSummary("Replace the service BOM of a Draft revision");
        items.MapPost("/{number}/revisions/{revision}/release", Release).RequireAuthorization(RolePolicies.Engineer).WithSummary("Release a revision, effective from a date (default now), superseding the current one");
        items.MapPost("/{number}/revisions/{revision}/state", MoveRevision).RequireAuthorization(RolePolicies.Engineer).WithSummary("Move a revision to InReview, back to Draft, to Obsolete or to Archived");
        items.MapGet("/{number}/bom", ResolveBom).WithSummary("The multi-level as-designed BOM for a serial, date and lot");
        items.MapGet("/{number}/rollup", RollUp).WithSummary("Flat quantity roll-up of the as-designed BOM");
        app.MapTwinModelEndpoints();
        items.MapGet("/{number}/where-used", WhereUsed).WithSummary("Assemblies and products that use the item on a date");
        return app;
    }

    private static async Task<Created<ItemResponse>> CreateItem(CreateItemRequest request, PlmService plm, CancellationToken ct)
    {
        var spec = new NewItem(
            RequestValues.Required(request.Number, "number"),
            RequestValues.Required(request.Name, "name"),
            RequestValues.ParseEnum<ItemKind>(request.Kind, "kind"),
            request.Uom, request.Family, request.FirstRevision);
        var item = await plm.ChangeAsync((catalog, now) => catalog.CreateItem(spec, now), ct);
        return TypedResults.Created($"/api/items/{Uri.EscapeDataString(item.Number)}", ItemResponse.From(item));
    }

    private static async Task<Ok<IReadOnlyList<ItemResponse>>> ListItems(string? kind, string? family, string? q, PlmService plm, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        ItemKind? kindFilter = kind is null ? null : RequestValues.ParseEnum<ItemKind>(kind, "kind");
        IReadOnlyList<ItemResponse> result = [.. catalog.Items
            .Where(i => kindFilter is null || i.Kind == kindFilter)
            .Where(i => family is null || string.Equals(i.Family, family, StringComparison.OrdinalIgnoreCase))
            .Where(i => q is null || i.Number.Contains(q, StringComparison.OrdinalIgnoreCase) || i.Name.Contains(q, StringComparison.OrdinalIgnoreCase))
            .OrderBy(i => i.Number, StringComparer.OrdinalIgnoreCase)
            .Select(ItemResponse.From)];
        return TypedResults.Ok(result);
    }

    private static async Task<Ok<ItemResponse>> GetItem(string number, PlmService plm, CancellationToken ct) =>
        TypedResults.Ok(ItemResponse.From((await plm.CatalogAsync(ct)).Get(number)));

    private static async Task<Created<RevisionResponse>> CreateRevision(string number, CreateRevisionRequest? request, PlmService plm, CancellationToken ct)
    {
        var item = await plm.ChangeAsync((catalog, now) => catalog.CreateNextRevision(number, request?.Code, now), ct);
        var draft = item.WorkingRevision!;
        return TypedResults.Created($"/api/items/{Uri.EscapeDataString(item.Number)}/revisions/{draft.Code}", RevisionResponse.From(item, draft));
    }

    private static async Task<Ok<RevisionResponse>> GetRevision(string number, string revision, PlmService plm, CancellationToken ct)
    {
        var item = (await plm.CatalogAsync(ct)).Get(number);
        return TypedResults.Ok(RevisionResponse.From(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<RevisionResponse>> SetBom(string number, string revision, SetBomRequest request, PlmService plm, CancellationToken ct)
    {
        var lines = (request.Lines ?? throw MissingList("lines")).Select((l, i) => l.ToDomain(i + 1)).ToList();
        var item = await plm.ChangeAsync((catalog, _) => catalog.SetBom(number, revision, lines), ct);
        return TypedResults.Ok(RevisionResponse.From(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<RevisionResponse>> SetLimits(string number, string revision, SetLimitsRequest request, PlmService plm, CancellationToken ct)
    {
        var limits = (request.Limits ?? throw MissingList("limits")).Select((l, i) => l.ToDomain(i + 1)).ToList();
        var item = await plm.ChangeAsync((catalog, _) => catalog.SetLimits(number, revision, limits), ct);
        return TypedResults.Ok(RevisionResponse.From(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<RevisionResponse>> SetServiceBom(string number, string revision, SetServiceBomRequest request, PlmService plm, CancellationToken ct)
    {
        var entries = (request.Entries ?? throw MissingList("entries")).Select((e, i) => e.ToDomain(i + 1)).ToList();
        var item = await plm.ChangeAsync((catalog, _) => catalog.SetServiceBom(number, revision, entries), ct);
        return TypedResults.Ok(RevisionResponse.From(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<RevisionResponse>> Release(string number, string revision, ReleaseRequest? request, PlmService plm, CancellationToken ct)
    {
        var effectiveFrom = RequestValues.ParseOptionalInstant(request?.EffectiveFrom, "effectiveFrom");
        var item = await plm.ChangeAsync((catalog, now) => catalog.Release(number, revision, effectiveFrom ?? now), ct);
        return TypedResults.Ok(RevisionResponse.From(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<RevisionResponse>> MoveRevision(string number, string revision, MoveRevisionRequest request, PlmService plm, CancellationToken ct)
    {
        var target = RequestValues.ParseEnum<LifecycleState>(request.State, "state");
        var item = await plm.ChangeAsync((catalog, _) => catalog.MoveTo(number, revision, target), ct);
        return TypedResults.Ok(RevisionResponse.From(item, item.GetRevision(revision)));
    }

    private static async Task<Ok<ResolvedBomResponse>> ResolveBom(string number, string? serial, string? at, string? lot, PlmService plm, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        var bom = catalog.ResolveBom(number, Query(serial, at, lot, plm));
        return TypedResults.Ok(ResolvedBomResponse.From(bom));
    }

    private static async Task<Ok<RollUpResponse>> RollUp(string number, string? serial, string? at, string? lot, PlmService plm, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        var bom = catalog.ResolveBom(number, Query(serial, at, lot, plm));
        return TypedResults.Ok(new RollUpResponse(bom.Item, bom.Revision, bom.Query.Serial?.Value, bom.Query.At, bom.Query.Lot, PlmCatalog.RollUp(bom)));
    }

    private static async Task<Ok<WhereUsedResponse>> WhereUsed(string number, string? at, PlmService plm, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        var when = RequestValues.ParseOptionalInstant(at, "at") ?? plm.Time.GetUtcNow();
        var item = catalog.Get(number);
        return TypedResults.Ok(new WhereUsedResponse(item.Number, when, [.. catalog.WhereUsed(number, when).Select(WhereUsedEntryResponse.From)]));
    }

    private static BomQuery Query(string? serial, string? at, string? lot, PlmService plm) => new(
        RequestValues.ParseOptionalSerial(serial, "serial"),
        RequestValues.ParseOptionalInstant(at, "at") ?? plm.Time.GetUtcNow(),
        string.IsNullOrWhiteSpace(lot) ? null : lot.Trim());

    private static PlmRuleException MissingList(string name) =>
        PlmRuleException.Invalid("missing-" + name, $"The body needs a '{name}' array (it may be empty).");
}
