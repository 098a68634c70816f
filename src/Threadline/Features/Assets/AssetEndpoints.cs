using Microsoft.AspNetCore.Http.HttpResults;
using Threadline.Api;
using Threadline.Assets;
using Threadline.Features.Plm;
using Threadline.Features.Security;
using Threadline.Plm;

namespace Threadline.Features.Assets;

public static class AssetEndpoints
{
    public const int MaxEventPage = 1000;

    public static IEndpointRouteBuilder MapAssetEndpoints(this IEndpointRouteBuilder app)
    {
        var assets = app.MapGroup("/api/assets").WithTags("Installed base").RequireAuthorization(RolePolicies.Viewer);
        assets.MapPost("/", Register).RequireAuthorization(RolePolicies.Technician).WithSummary("Register a unit; its asset ID is made from its family pattern");
        assets.MapGet("/", List).WithSummary("List units by site (ISA-95 path prefix), item, revision and status");
        assets.MapGet("/validation", Validate).WithSummary("The validation gate: which targeted asset IDs resolve to a released BOM, and why not");
        assets.MapGet("/validation/targets", Targets).WithSummary("The asset IDs the IoT side uses, which the gate must resolve");
        assets.MapPut("/validation/targets", ReplaceTargets).RequireAuthorization(RolePolicies.Admin).WithSummary("Replace the list of targeted asset IDs");
        assets.MapPost("/remediation", Remediate).WithSummary("Normalise raw asset IDs and propose the record each most likely means");
        assets.MapGet("/service-bom-accuracy", Accuracy).WithSummary("Share of installed field-replaceable components that the service BOM allows");
        assets.MapGet("/{assetId}", Get).WithSummary("One unit (redirects to the holding PLM for an external family)");
        assets.MapPut("/{assetId}/as-built", SetAsBuilt).RequireAuthorization(RolePolicies.Technician).WithSummary("Replace the as-built record (from MES) and reconcile it with the design");
        assets.MapGet("/{assetId}/as-built", GetAsBuilt).WithSummary("The as-built record and its deviations from the design");
        assets.MapPost("/{assetId}/service-events", AddServiceEvent).RequireAuthorization(RolePolicies.Technician).WithSummary("Record a service event (a replacement changes the configuration)");
        assets.MapGet("/{assetId}/service-events", ServiceEvents).WithSummary("The unit's service history in time order");
        assets.MapGet("/{assetId}/configuration", Configuration).WithSummary("The as-maintained configuration on a date");
        assets.MapGet("/{assetId}/context", Context).WithSummary("PLM context for an operator: revisions, limits, change orders, service BOM");
        assets.MapGet("/{assetId}/events", LifecycleEvents).WithSummary("Typed events on the unit's record: alert steps, presence, signal events, service, configuration");
        assets.MapPost("/{assetId}/retire", Retire).RequireAuthorization(RolePolicies.Engineer).WithSummary("Flag the unit end-of-life: read-only, telemetry kept");

        var families = app.MapGroup("/api/asset-families").WithTags("Installed base").RequireAuthorization(RolePolicies.Viewer);
        families.MapGet("/", Families).WithSummary("The federation table: product-family prefix to the PLM that holds it");
        families.MapPut("/{prefix}", PutFamily).RequireAuthorization(RolePolicies.Admin).WithSummary("Add or change a family: its PLM (local or a URL), ID pattern and serial padding");
        app.MapGet("/api/federation/route/{assetId}", Route).WithTags("Installed base").RequireAuthorization(RolePolicies.Viewer).WithSummary("Which PLM holds an asset ID, by its prefix");
        app.MapGet("/api/alerts", Alerts).WithTags("Installed base").RequireAuthorization(RolePolicies.Viewer)
            .WithSummary("Alerts raised across the fleet, by alert kind, failure mode, item, revision, signal, severity, site and time");
        app.MapGet("/api/triage", Triage).WithTags("Installed base").RequireAuthorization(RolePolicies.Viewer).WithSummary("Automatic changes for end-of-life units, waiting for a person");
        return app;
    }

    public static string ExternalLocation(ExternalAssetException external) =>
        $"{external.Family.PlmUrl!.TrimEnd('/')}/api/assets/{Uri.EscapeDataString(external.AssetId)}";

    private static async Task<Created<AssetResponse>> Register(RegisterAssetRequest request, InstalledBaseService assets, PlmService plm, CancellationToken ct)
    {
        var asset = await assets.RegisterAsync(request.ToDomain(), ct);
        return TypedResults.Created($"/api/assets/{Uri.EscapeDataString(asset.Id)}", AssetResponse.From(asset, await plm.CatalogAsync(ct)));
    }

    private static async Task<Ok<IReadOnlyList<AssetResponse>>> List(string? site, string? item, string? revision, string? status, InstalledBaseService assets, PlmService plm, CancellationToken ct)
    {
        AssetStatus? wanted = status is null ? null : RequestValues.ParseEnum<AssetStatus>(status.Replace("-", "", StringComparison.Ordinal), "status");
        var scope = site is null ? (SitePath?)null : SitePath.Parse(site);
        var catalog = await plm.CatalogAsync(ct);
        var canonicalItem = item is null ? null : catalog.Find(item)?.Number ?? item.Trim();
        IReadOnlyList<AssetResponse> result = [.. (await assets.ListAsync(canonicalItem, revision?.Trim().ToUpperInvariant(), scope, ct))
            .Where(a => wanted is null || a.StatusIn(catalog) == wanted)
            .Select(a => AssetResponse.From(a, catalog))];
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Ok<AssetResponse>, RedirectHttpResult>> Get(string assetId, InstalledBaseService assets, PlmService plm, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(AssetResponse.From(await assets.GetAsync(assetId, ct), await plm.CatalogAsync(ct)));
        }
        catch (ExternalAssetException external)
        {
            return TypedResults.Redirect(ExternalLocation(external), permanent: false, preserveMethod: true);
        }
    }

    private static async Task<Ok<AsBuiltResponse>> SetAsBuilt(string assetId, SetAsBuiltRequest request, InstalledBaseService assets, CancellationToken ct)
    {
        var components = (request.Components ?? throw PlmRuleException.Invalid("missing-components", "components is required (an empty list clears the record).")).Select((c, i) => c.ToDomain(i)).ToList();
        var (asset, built, deviations) = await assets.SetAsBuiltAsync(assetId, components, ct);
        return TypedResults.Ok(new AsBuiltResponse(asset.Id, [.. built.Select(AsBuiltComponentDto.From)], [.. deviations.Select(DeviationDto.From)]));
    }

    private static async Task<Ok<AsBuiltResponse>> GetAsBuilt(string assetId, InstalledBaseService assets, CancellationToken ct)
    {
        var (asset, built, deviations) = await assets.AsBuiltAsync(assetId, ct);
        return TypedResults.Ok(new AsBuiltResponse(asset.Id, [.. built.Select(AsBuiltComponentDto.From)], [.. deviations.Select(DeviationDto.From)]));
    }

    private static async Task<Created<ServiceEventResponse>> AddServiceEvent(string assetId, ServiceEventRequest request, System.Security.Claims.ClaimsPrincipal user, InstalledBaseService assets, CancellationToken ct)
    {
        // The record names who is authenticated; a name typed in the request stays as a remark, never as the author.
        var typed = request.Technician?.Trim();
        var author = user.Identity!.Name!;
        var notes = string.IsNullOrEmpty(typed) || typed == author ? request.Notes : $"{request.Notes} (typed technician: {typed})".TrimStart();
        var stored = await assets.AddServiceEventAsync(assetId, (request with { Technician = author, Notes = notes }).ToDomain(), ct);
        return TypedResults.Created($"/api/assets/{Uri.EscapeDataString(assetId)}/service-events", ServiceEventResponse.From(stored));
    }

    private static async Task<Ok<IReadOnlyList<ServiceEventResponse>>> ServiceEvents(string assetId, InstalledBaseService assets, CancellationToken ct)
    {
        IReadOnlyList<ServiceEventResponse> events = [.. (await assets.ServiceEventsAsync(assetId, ct)).Select(ServiceEventResponse.From)];
        return TypedResults.Ok(events);
    }

    private static async Task<Ok<ConfigurationResponse>> Configuration(string assetId, string? at, InstalledBaseService assets, CancellationToken ct)
    {
        var when = RequestValues.ParseOptionalInstant(at, "at") ?? assets.Time.GetUtcNow();
        // A date alone means the whole of that day: "on 14 March" includes work done on 14 March.
        if (at is not null && at.Trim().Length == 10)
        {
            when = when.AddDays(1).AddTicks(-1);
        }
        return TypedResults.Ok(ConfigurationResponse.From(await assets.ConfigurationAsync(assetId, when, ct)));
    }

    private static async Task<Ok<ContextResponse>> Context(string assetId, InstalledBaseService assets, CancellationToken ct)
    {
        var (asset, status, item, revision, current) = await assets.ContextAsync(assetId, ct);
        return TypedResults.Ok(new ContextResponse(asset.Id, AssetResponse.Kebab(status.ToString()), item.Number, item.Name,
            ContextResponse.Summary(revision), current is null ? null : ContextResponse.Summary(current),
            [], [.. revision.ServiceBom.Select(ServiceBomEntryDto.From)]));
    }

    private static async Task<Ok<IReadOnlyList<LifecycleEventDto>>> LifecycleEvents(string assetId, string? from, string? to, int? limit, InstalledBaseService assets, CancellationToken ct)
    {
        var page = Math.Clamp(limit ?? 100, 1, MaxEventPage);
        IReadOnlyList<LifecycleEventDto> events = [.. (await assets.LifecycleEventsAsync(assetId,
            RequestValues.ParseOptionalInstant(from, "from"), RequestValues.ParseOptionalInstant(to, "to"), page, ct)).Select(LifecycleEventDto.From)];
        return TypedResults.Ok(events);
    }

    private static async Task<Ok<IReadOnlyList<FleetAlertDto>>> Alerts(
        string? kind, string? failureMode, string? item, string? revision, string? signal, string? severity, string? site, string? from, string? to, int? limit,
        InstalledBaseService assets, PlmService plm, TimeProvider time, CancellationToken ct)
    {
        var until = RequestValues.ParseOptionalInstant(to, "to") ?? time.GetUtcNow();
        var since = RequestValues.ParseOptionalInstant(from, "from") ?? until.AddDays(-30);
        if (since >= until)
        {
            throw PlmRuleException.Invalid("invalid-range", $"from ({since:O}) must be before to ({until:O}).");
        }
        var canonicalItem = item is null ? null : (await plm.CatalogAsync(ct)).Find(item)?.Number ?? item.Trim();
        var query = new AlertQuery(
            since, until, Math.Clamp(limit ?? MaxEventPage, 1, MaxEventPage),
            kind is null ? null : RequestValues.ParseEnum<Events.AlertKind>(kind == "rule" ? "Correlation" : kind, "kind"),
            string.IsNullOrWhiteSpace(failureMode) ? null : failureMode.Trim(),
            canonicalItem,
            revision?.Trim().ToUpperInvariant(),
            string.IsNullOrWhiteSpace(signal) ? null : signal.Trim(),
            severity is null ? null : RequestValues.ParseEnum<LimitSeverity>(severity, "severity"),
            site is null ? null : SitePath.Parse(site));
        IReadOnlyList<FleetAlertDto> alerts = [.. (await assets.AlertsAsync(query, ct)).Select(FleetAlertDto.From)];
        return TypedResults.Ok(alerts);
    }

    private static async Task<Ok<AssetResponse>> Retire(string assetId, InstalledBaseService assets, PlmService plm, CancellationToken ct) =>
        TypedResults.Ok(AssetResponse.From(await assets.RetireAsync(assetId, ct), await plm.CatalogAsync(ct)));

    private static async Task<Ok<ValidationResponse>> Validate(InstalledBaseService assets, CancellationToken ct) =>
        TypedResults.Ok(ValidationResponse.From(await assets.ValidateAsync(null, ct)));

    private static async Task<Ok<IReadOnlyList<string>>> Targets(InstalledBaseService assets, CancellationToken ct) =>
        TypedResults.Ok(await assets.TargetsAsync(ct));

    private static async Task<Ok<ValidationResponse>> ReplaceTargets(IdListRequest request, InstalledBaseService assets, CancellationToken ct)
    {
        var ids = Ids(request);
        await assets.ReplaceTargetsAsync(ids, request.Source, ct);
        return TypedResults.Ok(ValidationResponse.From(await assets.ValidateAsync(null, ct)));
    }

    private static async Task<Ok<IReadOnlyList<RemediationDto>>> Remediate(IdListRequest request, InstalledBaseService assets, CancellationToken ct)
    {
        IReadOnlyList<RemediationDto> results = [.. (await assets.RemediateAsync(Ids(request), ct)).Select(RemediationDto.From)];
        return TypedResults.Ok(results);
    }

    private static async Task<Ok<AccuracyResponse>> Accuracy(string? item, string? site, InstalledBaseService assets, CancellationToken ct) =>
        TypedResults.Ok(AccuracyResponse.From(await assets.ServiceBomAccuracyAsync(item, site is null ? null : SitePath.Parse(site), ct)));

    private static async Task<Ok<IReadOnlyList<FamilyResponse>>> Families(InstalledBaseService assets, CancellationToken ct)
    {
        IReadOnlyList<FamilyResponse> families = [.. (await assets.FamiliesAsync(ct)).Families.OrderBy(f => f.Prefix, StringComparer.Ordinal).Select(FamilyResponse.From)];
        return TypedResults.Ok(families);
    }

    private static async Task<Ok<FamilyResponse>> PutFamily(string prefix, FamilyRequest request, InstalledBaseService assets, CancellationToken ct)
    {
        var family = new AssetFamily(prefix, string.IsNullOrWhiteSpace(request.PlmUrl) ? null : request.PlmUrl.Trim(),
            string.IsNullOrWhiteSpace(request.Pattern) ? AssetFamily.DefaultPattern : request.Pattern.Trim(), request.SerialDigits ?? AssetFamily.DefaultSerialDigits);
        return TypedResults.Ok(FamilyResponse.From(await assets.PutFamilyAsync(family, ct)));
    }

    private static async Task<Ok<RouteResponse>> Route(string assetId, InstalledBaseService assets, CancellationToken ct)
    {
        var family = (await assets.FamiliesAsync(ct)).Route(assetId)
            ?? throw new PlmRuleException(RuleViolationKind.NotFound, "unknown-prefix", $"No product family prefix matches asset ID '{assetId}'.");
        return TypedResults.Ok(new RouteResponse(assetId, family.Prefix, family.IsLocal ? "local" : "external",
            family.IsLocal ? $"/api/assets/{Uri.EscapeDataString(assetId)}" : ExternalLocation(new ExternalAssetException(assetId, family))));
    }

    private static async Task<Ok<IReadOnlyList<TriageDto>>> Triage(InstalledBaseService assets, CancellationToken ct)
    {
        IReadOnlyList<TriageDto> open = [.. (await assets.TriageAsync(ct)).Select(t => new TriageDto(t.Id, t.AssetId, t.Reason, t.Details, t.CreatedAt))];
        return TypedResults.Ok(open);
    }

    private static List<string> Ids(IdListRequest request)
    {
        var ids = request.Ids ?? throw PlmRuleException.Invalid("missing-ids", "ids is required: a list of asset IDs.");
        if (ids.Any(string.IsNullOrWhiteSpace))
        {
            throw PlmRuleException.Invalid("blank-id", $"ids[{ids.ToList().FindIndex(string.IsNullOrWhiteSpace)}] is blank.");
        }
        return [.. ids.Select(i => i.Trim())];
    }
}
