using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Threadline.Api;
using Threadline.Features.Assets;
using Threadline.Features.Plm;
using Threadline.Features.Security;
using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.Features.Twins;

public static class TwinEndpoints
{
    public static IEndpointRouteBuilder MapTwinEndpoints(this IEndpointRouteBuilder app)
    {
        var twins = app.MapGroup("/api/twins").WithTags("Twins").RequireAuthorization(RolePolicies.Viewer);
        twins.MapGet("/", List).WithSummary("Twins with their health, by site (ISA-95 path prefix) and health range");
        twins.MapGet("/{assetId}", Get).WithSummary("The live twin of an asset, or as it was at a date (?at=)");
        twins.MapGet("/{assetId}/model", Model).WithSummary("The twin's model, built from the revision the unit was built to; format=dtdl gives a DTDL v3 interface");
        return app;
    }

    public sealed record TwinSummary(string AssetId, string Revision, string? Site, double? Health, double? RulDays, int ActiveAlerts, DateTimeOffset? UpdatedAt);

    private static async Task<Ok<IReadOnlyList<TwinSummary>>> List(string? site, double? minHealth, double? maxHealth, TwinStore store, CancellationToken ct)
    {
        var scope = site is null ? (Threadline.Assets.SitePath?)null : Threadline.Assets.SitePath.Parse(site);
        IReadOnlyList<TwinSummary> rows = [.. (await store.ListAsync(scope?.Value, minHealth, maxHealth, ct))
            .Select(r => new TwinSummary(r.AssetId, r.Revision, r.Site, r.Health, r.RulDays, r.ActiveAlerts, r.UpdatedAt))];
        return TypedResults.Ok(rows);
    }

    private static async Task<ContentHttpResult> Get(string assetId, string? at, InstalledBaseService assets, PlmService plm, TwinModelResolver models, TwinStore store,
        IServiceProvider services, CancellationToken ct)
    {
        var asset = await assets.GetAsync(assetId, ct);
        var model = await ModelOfAsync(asset, plm, models, ct);
        if (RequestValues.ParseOptionalInstant(at, "at") is { } when)
        {
            var then = await store.SnapshotAsync(asset.Id, when, ct) ?? throw new PlmRuleException(RuleViolationKind.NotFound, "no-twin-history",
                $"The twin of {asset.Id} has no snapshot at or before {when:O}; snapshots are kept every Twins:SnapshotIntervalMinutes of its telemetry.");
            // The unit's configuration as it stood then (as-built and the replacements up to that time), as the live twin shows it now.
            var catalog = await plm.CatalogAsync(ct);
            var configuration = TwinConfiguration.Of(await assets.ConfigurationAsync(asset.Id, when, ct), catalog.Get(asset.Item).GetRevision(asset.Revision).ServiceBom);
            return TypedResults.Content(JsonSerializer.Serialize(TwinView.Of(then.FitsModel(model) ? then : then.Rebind(model), model, configuration), TwinGrain.ViewJson), "application/json");
        }
        var grains = services.GetService<IGrainFactory>() ?? throw PlmRuleException.Conflict("twins-disabled", "The twin runtime is off (Twins:Enabled=false).");
        var view = await grains.GetGrain<ITwinGrain>(asset.Id).ViewAsync();
        return TypedResults.Content(view ?? throw NoModel(asset.Id), "application/json");
    }

    private static async Task<ContentHttpResult> Model(string assetId, string? format, InstalledBaseService assets, PlmService plm, TwinModelResolver models, CancellationToken ct)
    {
        if (!string.Equals(format ?? "dtdl", "dtdl", StringComparison.OrdinalIgnoreCase))
        {
            throw PlmRuleException.Invalid("invalid-format", $"format '{format}' is not supported; use format=dtdl.");
        }
        var asset = await assets.GetAsync(assetId, ct);
        return TypedResults.Content(DtdlExport.Interface(await ModelOfAsync(asset, plm, models, ct), asset.Id), "application/json");
    }

    private static async Task<TwinModel> ModelOfAsync(Threadline.Assets.Asset asset, PlmService plm, TwinModelResolver models, CancellationToken ct) =>
        models.ModelFor(await plm.CatalogAsync(ct), asset) ?? throw NoModel(asset.Id);

    private static PlmRuleException NoModel(string assetId) => new(RuleViolationKind.NotFound, "no-twin-model",
        $"The revision {assetId} is at declares no twin model document and no design limits, so it has no twin.");
}
