using System.Text.Json;
using Microsoft.Extensions.Options;
using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Plm;
using Threadline.Features.Telemetry;
using Threadline.Plm;
using Threadline.Telemetry;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>One reading handed to a twin: a telemetry point without its asset (the grain is the asset).</summary>
[GenerateSerializer, Immutable]
public sealed record TwinReading(
    [property: Id(0)] string Signal,
    [property: Id(1)] DateTimeOffset Timestamp,
    [property: Id(2)] double Value,
    [property: Id(3)] string? Unit,
    [property: Id(4)] int Quality,
    [property: Id(5)] string Source,
    [property: Id(6)] bool StampedOnArrival)
{
    public static TwinReading From(TelemetryPoint p) => new(p.Signal, p.Timestamp, p.Value, p.Unit, (int)p.Quality, p.Source, p.StampedOnArrival);

    public TelemetryPoint ToPoint(string assetId) => new(assetId, Signal, Timestamp, Value, Unit, (TelemetryQuality)Quality, Source, null, StampedOnArrival);
}

/// <summary>The live twin of one asset, keyed by its asset ID.</summary>
public interface ITwinGrain : IGrainWithStringKey
{
    Task ApplyAsync(TwinReading[] readings);

    /// <summary>The twin now, as JSON of <see cref="TwinView"/>; null when the asset is unknown or its family declares no twin model.</summary>
    Task<string?> ViewAsync();

    /// <summary>
    /// Writes the state now and completes once it is stored (the runtime otherwise hands it to the silo's
    /// <see cref="TwinStateWriter"/> every Twins:PersistIntervalSeconds, when the twin concludes something, and on deactivation).
    /// </summary>
    Task FlushAsync();

    /// <summary>The silo this activation runs on.</summary>
    Task<string> SiloAsync();

    /// <summary>The asset's configuration changed (a replacement recorded, its as-built record replaced): read it again.</summary>
    Task ConfigurationChangedAsync();
}

/// <summary>
/// A twin made from PLM, never by hand: on activation it reads the asset and builds its model from the family's
/// declaration and the revision the unit was built to (its limits), then resumes its persisted state and takes in the
/// asset's configuration now (as designed, as built, as maintained; read again when it changes). Each reading
/// goes through <see cref="TwinEngine"/>; what the twin concludes is written on the asset's record and published on
/// its UNS branch.
/// </summary>
// A twin lives on the silo that first asks for it, which is the server ingesting its telemetry.
[Orleans.Placement.PreferLocalPlacement]
public sealed class TwinGrain(
    InstalledBaseService assets, PlmService plm, TwinModelResolver models, TwinStateWriter writer, TwinPublisher publisher, ITelemetryStore telemetry, TimeProvider time,
    IOptions<TwinOptions> options, ILogger<TwinGrain> logger) : Grain, ITwinGrain
{
    internal static readonly JsonSerializerOptions ViewJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private Asset? _asset;
    private TwinModel? _model;
    private TwinState? _state;
    private TwinConfiguration? _configuration;

    // The PLM catalog version the model was resolved at: a later one may carry another document or limits for the unit's revision.
    private long? _modelVersion;
    private DateTimeOffset _lastSaved = DateTimeOffset.MinValue;
    private bool _dirty;

    // Per signal, the newest reading taken in from the store at activation (in the store's microsecond ticks). The feed
    // hands a reading to the twin and to the store side by side, so it may still bring readings the catch-up took in;
    // for a few minutes it skips those up to this point, so that none is counted twice in the day aggregates.
    private long[]? _caughtUpThrough;
    private DateTimeOffset _caughtUpUntil;
    private static readonly TimeSpan CaughtUpMemory = TimeSpan.FromMinutes(10);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        var history = await assets.FindHistoryAsync(id, cancellationToken);
        _asset = history?.Asset;
        if (_asset is null)
        {
            return;
        }
        var (catalog, version) = await plm.CatalogWithVersionAsync(cancellationToken);
        _model = ResolveModel(catalog, version);
        if (_model is null)
        {
            return;
        }
        var state = await writer.LoadAsync(id, cancellationToken) ?? TwinState.Create(_model, id);
        // A released change may have moved the unit to another revision: the twin follows its PLM record.
        _state = state.FitsModel(_model) ? state : state.Rebind(_model);
        await TakeInConfigurationAsync(catalog, history!.Value.AsBuilt, history.Value.Events, cancellationToken);
        await CatchUpAsync(cancellationToken);
    }

    /// <summary>
    /// Takes in the readings the store holds that the persisted state has not seen, oldest first: the twin of a
    /// crashed server resumes where its stored readings end, not where its last write was. What it concludes on them
    /// is published now, as it would have been then. A twin that has never seen telemetry starts fresh instead.
    /// </summary>
    private async Task CatchUpAsync(CancellationToken ct)
    {
        var settings = options.Value;
        if (settings.CatchUpHours == 0 || _state!.UpdatedAt is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        var floor = now.AddHours(-settings.CatchUpHours);
        // Each signal from its own last reading: one signal silent for hours must not make the others read old ground.
        var bounds = _model!.Signals.Select((signal, i) => new SignalAfter(signal.Name, _state.Signals[i].At is { } at && at > floor ? at : floor)).ToList();
        // Source clocks run a little ahead of the server's at times; a reading stamped after this comes by the feed.
        var to = now.AddHours(1);
        IReadOnlyList<TelemetryPoint> missed;
        try
        {
            missed = await telemetry.ReadRawAfterAsync(_asset!.Id, bounds, to, settings.CatchUpMaxReadings, ct);
        }
#pragma warning disable CA1031 // A store that cannot answer must not keep the twin from running on its persisted state.
        catch (Exception ex) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
        {
            logger.LogWarning(ex, "Twin {AssetId} resumes without catching up: the telemetry store could not be read", _asset!.Id);
            return;
        }
        if (missed.Count == 0)
        {
            return;
        }
        var concluded = ApplyReadings(missed);
        _caughtUpThrough = new long[_model.Signals.Count];
        foreach (var point in missed)
        {
            var index = _model.IndexOf(point.Signal);
            _caughtUpThrough[index] = Math.Max(_caughtUpThrough[index], ITelemetryStore.ToStoredTime(point.Timestamp).Ticks);
        }
        _caughtUpUntil = now + CaughtUpMemory;
        logger.LogInformation("Twin {AssetId} took in {Count} readings stored after its persisted state ({From:o} to {Last:o}){Cut}.",
            _asset.Id, missed.Count, missed[0].Timestamp, missed[^1].Timestamp,
            missed.Count == settings.CatchUpMaxReadings ? $"; Twins:CatchUpMaxReadings ({settings.CatchUpMaxReadings}) reached, later stored readings are not taken in" : "");
        if (concluded.Count > 0)
        {
            await publisher.PublishAsync(_asset, _model, _state, concluded, ct);
        }
        _ = Save();
    }

    public async Task ConfigurationChangedAsync()
    {
        if (_model is null || _state is null || _asset is null
            || await assets.FindHistoryAsync(_asset.Id, CancellationToken.None) is not { } history)
        {
            return;
        }
        _asset = history.Asset;
        var (catalog, version) = await plm.CatalogWithVersionAsync(CancellationToken.None);
        FollowModel(catalog, version);
        await TakeInConfigurationAsync(catalog, history.AsBuilt, history.Events, CancellationToken.None);
        // Written now, as when a reading concludes something; this covers a twin the call itself activated.
        await FlushAsync();
    }

    /// <summary>
    /// The asset's configuration now, from its designed structure, as-built record and service events, taken in by the
    /// engine (a replacement restarts the wear evidence of what it replaced). A structure PLM cannot resolve leaves the
    /// twin without a configuration, working as before.
    /// </summary>
    private async Task TakeInConfigurationAsync(PlmCatalog catalog, IReadOnlyList<AsBuiltComponent> asBuilt, IReadOnlyList<ServiceEvent> events, CancellationToken ct)
    {
        try
        {
            var now = AssetConfigurations.Compute(_asset!, AssetConfigurations.Designed(catalog, _asset!), asBuilt, events, time.GetUtcNow());
            _configuration = TwinConfiguration.Of(now, catalog.Get(_asset!.Item).GetRevision(_asset.Revision).ServiceBom);
        }
        catch (PlmRuleException ex)
        {
            logger.LogWarning("The twin of {AssetId} has no configuration: {Reason}", _asset!.Id, ex.Message);
            _configuration = null;
            return;
        }
        var (next, concluded) = TwinEngine.Configure(_state!, _model!, _configuration);
        if (ReferenceEquals(next, _state))
        {
            return;
        }
        _state = next;
        // A twin that has seen no telemetry yet is not worth a row: it takes the configuration in again at activation.
        _dirty |= next.UpdatedAt is not null;
        if (concluded.Count > 0)
        {
            await publisher.PublishAsync(_asset!, _model!, _state, concluded, ct);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var written = _dirty ? Save() : writer.WrittenAsync(this.GetPrimaryKeyString());
        // On shutdown the silo's writer writes what it holds after every grain is gone. Otherwise (idle, migration,
        // memory pressure) wait for the write, so that an activation on another silo reads this state; if Orleans
        // cancels the wait, the writer still holds the state and writes it.
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown)
        {
            return;
        }
        try
        {
            await written.WaitAsync(cancellationToken);
        }
#pragma warning disable CA1031 // Cancelled or failed, the state stays with the writer, which retries: nothing for the grain to do.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogDebug(ex, "Twin {AssetId} deactivated before its state was written; the writer still holds it", this.GetPrimaryKeyString());
        }
    }

    public async Task ApplyAsync(TwinReading[] readings)
    {
        if (_model is null || _state is null || _asset is null)
        {
            return;
        }
        // The snapshot in memory, not a database read: after any PLM write every twin passes here once.
        if (plm.Cached is { } cached && cached.Version != _modelVersion)
        {
            FollowModel(cached.Catalog, cached.Version);
        }
        var points = readings.Select(r => r.ToPoint(_asset.Id));
        if (_caughtUpThrough is { } caughtUp)
        {
            if (time.GetUtcNow() > _caughtUpUntil)
            {
                _caughtUpThrough = null;
            }
            else
            {
                var model = _model;
                points = points.Where(p => model.IndexOf(p.Signal) is var i && (i < 0 || ITelemetryStore.ToStoredTime(p.Timestamp).Ticks > caughtUp[i]));
            }
        }
        var concluded = ApplyReadings(points);
        if (concluded.Count > 0)
        {
            await publisher.PublishAsync(_asset, _model, _state, concluded, CancellationToken.None);
        }
        if (concluded.Count > 0 || time.GetUtcNow() - _lastSaved >= TimeSpan.FromSeconds(options.Value.PersistIntervalSeconds))
        {
            _ = Save();
        }
    }

    /// <summary>The unit's model from the catalog, or null (logged) when PLM gives it none.</summary>
    private TwinModel? ResolveModel(PlmCatalog catalog, long? version)
    {
        _modelVersion = version;
        try
        {
            return models.ModelFor(catalog, _asset!);
        }
        catch (PlmRuleException ex)
        {
            logger.LogWarning("No twin for {AssetId}: {Reason}", _asset!.Id, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Rebuilds the twin when its revision's document or limits changed (or the unit moved to another revision): the
    /// state is rebound to the new model, keeping what it learned for signals that keep their names. A catalog that now
    /// gives no model keeps the twin on the one it has.
    /// </summary>
    private void FollowModel(PlmCatalog catalog, long? version)
    {
        if (ResolveModel(catalog, version) is not { } model || ReferenceEquals(model, _model))
        {
            return;
        }
        logger.LogInformation("Twin {AssetId} follows its PLM record: model of {Item} revision {Revision} ({Signals} signals, {Derived} derived)",
            _asset!.Id, model.Item, model.Revision, model.Signals.Count, model.Family.Derived.Count);
        var previous = _model;
        _model = model;
        _state = _state!.FitsModel(model) && ReferenceEquals(model.Family, previous?.Family) ? _state : _state.Rebind(model);
        _caughtUpThrough = null;
        _dirty = true;
    }

    /// <summary>Runs readings through the engine in the order given; returns what they concluded.</summary>
    private List<TwinEvent> ApplyReadings(IEnumerable<TelemetryPoint> points)
    {
        var concluded = new List<TwinEvent>();
        var period = TimeSpan.FromMinutes(options.Value.SnapshotIntervalMinutes).Ticks;
        foreach (var point in points)
        {
            // A reading that opens a new snapshot period first closes the last one: its snapshot is the state at its end.
            if (_dirty && _state!.UpdatedAt is { } latest && point.Timestamp.UtcTicks / period > latest.UtcTicks / period)
            {
                _ = Save();
            }
            var (next, events) = TwinEngine.Apply(_state!, _model!, point);
            _state = next;
            _dirty = true;
            concluded.AddRange(events);
        }
        return concluded;
    }

    public Task<string?> ViewAsync() =>
        Task.FromResult(_model is null || _state is null ? null : JsonSerializer.Serialize(TwinView.Of(_state, _model, _configuration), ViewJson));

    public Task FlushAsync() => _dirty ? Save() : writer.WrittenAsync(this.GetPrimaryKeyString());

    public Task<string> SiloAsync() => Task.FromResult(RuntimeIdentity);

    /// <summary>
    /// Hands the state to the silo's writer, which writes it behind the grain; the task completes when it is written.
    /// A write that fails is retried by the writer, so a caller that only hands over ignores the task.
    /// </summary>
    private Task Save()
    {
        var written = writer.Hand(_state!, _model!.Revision, _asset!.Site?.Value);
        _lastSaved = time.GetUtcNow();
        _dirty = false;
        return written;
    }
}
