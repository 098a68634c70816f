using Microsoft.EntityFrameworkCore;
using Threadline.Assets;
using Threadline.Events;
using Threadline.Features.Plm;
using Threadline.Plm;

namespace Threadline.Features.Assets;

/// <summary>
/// The installed base's use cases: every rule is decided by Threadline.Assets against the latest PLM snapshot, then
/// written in one step, so a refused request writes nothing.
/// </summary>
public sealed class InstalledBaseService(
    AssetStore store, PlmService plm, AssetDirectory directory, IEnumerable<IUnknownTelemetrySources> telemetry, IEnumerable<IAssetConfigurationObserver> observers,
    TimeProvider time)
{
    public TimeProvider Time => time;

    public async Task<AssetFamilyTable> FamiliesAsync(CancellationToken ct) =>
        new(await store.FamiliesAsync(ct), await plm.CatalogAsync(ct));

    public async Task<AssetFamily> PutFamilyAsync(AssetFamily family, CancellationToken ct)
    {
        if (AssetFamily.Problem(family.Prefix, family.PlmUrl, family.Pattern, family.SerialDigits) is { } problem)
        {
            throw PlmRuleException.Invalid("invalid-family", problem);
        }
        var normalised = family with { Prefix = family.Prefix.Trim().ToUpperInvariant() };
        await store.PutFamilyAsync(normalised, ct);
        return normalised;
    }

    public async Task<Asset> RegisterAsync(NewAsset spec, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        var asset = AssetRules.Register(spec, catalog, await FamiliesAsync(ct), time.GetUtcNow());
        await EnsureNewAsync(asset, ct);
        try
        {
            await store.InsertAsync([asset], ct);
            directory.Forget();
        }
        catch (DbUpdateException)
        {
            // Another request registered the same serial or device between the check and the write.
            await EnsureNewAsync(asset, ct);
            throw;
        }
        return asset;
    }

    /// <summary>
    /// Registers units <see cref="AssetRules.Register"/> has already decided (an import plan, a seed) in one write; the
    /// caller has checked them against the units already registered.
    /// </summary>
    public async Task ImportAsync(IReadOnlyList<Asset> assets, CancellationToken ct)
    {
        await store.InsertAsync(assets, ct);
        directory.Forget();
    }

    /// <summary>Throws duplicate-serial or duplicate-device when the unit or its device is already registered.</summary>
    public async Task EnsureNewAsync(Asset asset, CancellationToken ct)
    {
        if (await store.FindBySerialAsync(asset.Item, asset.Serial, ct) is { } existing)
        {
            throw PlmRuleException.Conflict("duplicate-serial", $"Serial {asset.Serial} of {asset.Item} is already registered as {existing.Id}.");
        }
        if (asset.IotDeviceId is { } device && await store.FindByDeviceAsync(device, ct) is { } holder)
        {
            throw PlmRuleException.Conflict("duplicate-device", $"IoT device '{device}' is already linked to {holder.Id}.");
        }
    }

    public async Task<Asset> GetAsync(string assetId, CancellationToken ct) =>
        await store.FindAsync(assetId.Trim(), ct) ?? throw await UnknownAssetAsync(assetId, ct);

    public Task<IReadOnlyList<Asset>> ListAsync(string? item, string? revision, SitePath? site, CancellationToken ct) =>
        store.ListAsync(item, revision, site, ct);

    public async Task<(Asset Asset, IReadOnlyList<AsBuiltComponent> AsBuilt, IReadOnlyList<AsBuiltDeviation> Deviations)> SetAsBuiltAsync(
        string assetId, IReadOnlyList<AsBuiltComponent> components, CancellationToken ct)
    {
        var asset = await GetAsync(assetId, ct);
        var catalog = await plm.CatalogAsync(ct);
        var checkedComponents = AssetRules.CheckAsBuilt(asset, catalog, components);
        var deviations = AssetConfigurations.Reconcile(asset, AssetConfigurations.Designed(catalog, asset), checkedComponents);
        await store.ReplaceAsBuiltAsync(asset.Id, checkedComponents, ct);
        await directory.AppendAsync([AssetEvent.Configuration(asset.Id, time.GetUtcNow(), asset.Item, asset.Revision, asset.Site?.Value,
            new ConfigurationPayload(checkedComponents.Count, deviations.Count))], ct);
        await ConfigurationChangedAsync(asset.Id, ct);
        return (asset, checkedComponents, deviations);
    }

    public async Task<(Asset Asset, IReadOnlyList<AsBuiltComponent> AsBuilt, IReadOnlyList<AsBuiltDeviation> Deviations)> AsBuiltAsync(string assetId, CancellationToken ct)
    {
        var (asset, built, _) = await HistoryAsync(assetId, ct);
        var catalog = await plm.CatalogAsync(ct);
        return (asset, built, AssetConfigurations.Reconcile(asset, AssetConfigurations.Designed(catalog, asset), built));
    }

    public async Task<ServiceEvent> AddServiceEventAsync(string assetId, NewServiceEvent spec, CancellationToken ct)
    {
        var (asset, built, events) = await HistoryAsync(assetId, ct);
        var catalog = await plm.CatalogAsync(ct);
        var then = AssetConfigurations.Compute(asset, AssetConfigurations.Designed(catalog, asset), built, events, spec.At);
        var checkedEvent = AssetRules.CheckServiceEvent(asset, catalog, then, spec, 0, time.GetUtcNow());
        var stored = await store.AddServiceEventAsync(asset.Id, checkedEvent, ct);
        await directory.AppendAsync([AssetEvent.Service(asset.Id, stored.At, asset.Item, asset.Revision, asset.Site?.Value,
            new ServicePayload(stored.Sequence, stored.Kind, stored.Component, stored.Installed?.Item, stored.Installed?.Revision))], ct);
        if (stored.Kind == ServiceEventKind.Replacement)
        {
            await ConfigurationChangedAsync(asset.Id, ct);
        }
        return stored;
    }

    public async Task<IReadOnlyList<ServiceEvent>> ServiceEventsAsync(string assetId, CancellationToken ct) =>
        (await HistoryAsync(assetId, ct)).Events;

    public async Task<AssetConfiguration> ConfigurationAsync(string assetId, DateTimeOffset at, CancellationToken ct)
    {
        var (asset, built, events) = await HistoryAsync(assetId, ct);
        var catalog = await plm.CatalogAsync(ct);
        return AssetConfigurations.Compute(asset, AssetConfigurations.Designed(catalog, asset), built, events, at);
    }

    public async Task<Asset> RetireAsync(string assetId, CancellationToken ct)
    {
        var asset = await GetAsync(assetId, ct);
        await store.SetRetiredAsync(asset.Id, true, ct);
        directory.Forget();
        return asset with { Retired = true };
    }

    public async Task<ValidationReport> ValidateAsync(IEnumerable<string>? extraTargets, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        var assets = await store.ListAsync(null, null, null, ct);
        // Asset IDs seen in UNS topics are targets like any the IoT side declared; device ids have no asset to
        // resolve, so they are reported as they are.
        var targets = (await store.TargetsAsync(ct)).Concat(extraTargets ?? []).Concat(telemetry.SelectMany(t => t.UnknownAssetIds()));
        return AssetValidation.Run(assets, targets, catalog, await FamiliesAsync(ct), telemetry.SelectMany(t => t.UnknownDeviceIds()));
    }

    public Task<IReadOnlyList<string>> TargetsAsync(CancellationToken ct) => store.TargetsAsync(ct);

    public Task ReplaceTargetsAsync(IReadOnlyList<string> ids, string? source, CancellationToken ct) =>
        store.ReplaceTargetsAsync(ids, source, time.GetUtcNow(), ct);

    public async Task<IReadOnlyList<RemediationResult>> RemediateAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var assets = await store.ListAsync(null, null, null, ct);
        var remediation = new AssetIdRemediation(await FamiliesAsync(ct),
            assets.Select(a => KeyValuePair.Create(a.Id, a.Id)).Concat(assets.SelectMany(a => a.LegacyIds.Select(l => KeyValuePair.Create(l, a.Id)))));
        return [.. ids.Select(remediation.Propose)];
    }

    public async Task<ServiceBomAccuracyReport> ServiceBomAccuracyAsync(string? item, SitePath? site, CancellationToken ct)
    {
        var catalog = await plm.CatalogAsync(ct);
        var now = time.GetUtcNow();
        var units = new List<(AssetConfiguration, ItemRevision)>();
        var resolved = (await store.ListAsync(item, null, site, ct)).Where(asset => AssetValidation.Check(asset, catalog) is null).ToList();
        await foreach (var (asset, built, events) in store.HistoriesAsync(resolved, ct))
        {
            var configuration = AssetConfigurations.Compute(asset, AssetConfigurations.Designed(catalog, asset), built, events, now);
            units.Add((configuration, catalog.Get(asset.Item).GetRevision(asset.Revision)));
        }
        return ServiceBomAccuracyReport.Measure(units);
    }

    /// <summary>What an operator needs to see beside an alert: the engineering record behind the unit.</summary>
    public async Task<(Asset Asset, AssetStatus Status, Item Item, ItemRevision Revision, ItemRevision? Current)> ContextAsync(string assetId, CancellationToken ct)
    {
        var asset = await GetAsync(assetId, ct);
        var catalog = await plm.CatalogAsync(ct);
        var item = catalog.Get(asset.Item);
        return (asset, asset.StatusIn(catalog), item, item.GetRevision(asset.Revision), item.CurrentRelease);
    }

    /// <summary>
    /// Routes a change proposed by automation (the closed loop) for a unit: returns ManualTriage and queues it when
    /// the unit is end-of-life, else ChangeRecord for the caller to open.
    /// </summary>
    public async Task<ChangeRoute> RouteAutomaticChangeAsync(string assetId, string reason, string? details, CancellationToken ct)
    {
        var asset = await GetAsync(assetId, ct);
        var route = AssetRules.RouteAutomaticChange(asset, await plm.CatalogAsync(ct));
        if (route == ChangeRoute.ManualTriage)
        {
            await store.AddTriageAsync(new TriageRow { AssetId = asset.Id, Reason = reason, Details = details, CreatedAt = time.GetUtcNow() }, ct);
        }
        return route;
    }

    public Task<IReadOnlyList<TriageRow>> TriageAsync(CancellationToken ct) => store.OpenTriageAsync(ct);

    public async Task<IReadOnlyList<AssetEventRow>> LifecycleEventsAsync(string assetId, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken ct)
    {
        var asset = await GetAsync(assetId, ct);
        return await store.EventsAsync(asset.Id, from, to, limit, ct);
    }

    /// <summary>Alerts raised across the fleet that match the query, each with where its life has got to.</summary>
    public Task<IReadOnlyList<FleetAlert>> AlertsAsync(AlertQuery query, CancellationToken ct) => store.AlertsAsync(query, ct);

    private async Task ConfigurationChangedAsync(string assetId, CancellationToken ct)
    {
        foreach (var observer in observers)
        {
            await observer.ConfigurationChangedAsync(assetId, ct);
        }
    }

    /// <summary>
    /// A unit's record with its as-built components (by position) and service events (in time order), or null when
    /// no asset has this ID: everything a twin's configuration is built from.
    /// </summary>
    public Task<(Asset Asset, IReadOnlyList<AsBuiltComponent> AsBuilt, IReadOnlyList<ServiceEvent> Events)?> FindHistoryAsync(string assetId, CancellationToken ct) =>
        store.HistoryAsync(assetId, ct);

    private async Task<(Asset Asset, IReadOnlyList<AsBuiltComponent> AsBuilt, IReadOnlyList<ServiceEvent> Events)> HistoryAsync(string assetId, CancellationToken ct) =>
        await store.HistoryAsync(assetId.Trim(), ct) ?? throw await UnknownAssetAsync(assetId, ct);

    private async Task<Exception> UnknownAssetAsync(string assetId, CancellationToken ct)
    {
        var families = await FamiliesAsync(ct);
        if (families.Route(assetId) is { IsLocal: false } external)
        {
            return new ExternalAssetException(assetId, external);
        }
        if (families.Route(assetId) is null)
        {
            return new PlmRuleException(RuleViolationKind.NotFound, "unknown-prefix",
                $"No product family prefix matches asset ID '{assetId}'; known prefixes: {string.Join(", ", families.Families.Select(f => f.Prefix).Order(StringComparer.Ordinal))}.");
        }
        var proposal = (await RemediateAsync([assetId], ct))[0];
        var hint = proposal.Proposal is { } p && p != assetId ? $" Did you mean {p}? ({proposal.Reason})" : "";
        return new PlmRuleException(RuleViolationKind.NotFound, "unknown-asset", $"No asset '{assetId}' is registered.{hint}");
    }
}

/// <summary>An asset ID whose family is held by another PLM: the API answers with a redirect to it.</summary>
public sealed class ExternalAssetException(string assetId, AssetFamily family)
    : Exception($"Asset '{assetId}' belongs to family {family.Prefix}, held by the PLM at {family.PlmUrl}.")
{
    public string AssetId { get; } = assetId;

    public AssetFamily Family { get; } = family;
}
