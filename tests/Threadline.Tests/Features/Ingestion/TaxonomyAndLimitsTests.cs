using Threadline.Events;
using Threadline.Plm;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion;

public class TaxonomyAndLimitsTests
{
    private const string SealTopic = $"{Prefix}/plant-1/{Asset}/seal_replacements";
    private const string RpmTopic = $"{Prefix}/plant-1/{Asset}/shaft_rpm";

    private static readonly Dictionary<string, string?> Taxonomy = new()
    {
        ["Uns:Signals:seal_replacements:Class"] = "LifecycleEvent",
        ["Uns:Signals:shaft_rpm:Class"] = "Ephemeral",
    };

    [Fact]
    public async Task LifecycleEventSignal_IsWrittenOntoTheAssetRecord_NotTheTimeSeries()
    {
        await using var h = await IngestionHarness.StartAsync(Taxonomy);
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, SealTopic, """{"timestamp":"2026-03-14T09:00:00Z","measurement":{"name":"seal_replacements","value":3}}""");

        Assert.Equal(0, h.Store.Count);
        var e = Assert.Single(h.Assets.Events);
        Assert.Equal(AssetEvent.Signal(Asset, new DateTimeOffset(2026, 3, 14, 9, 0, 0, TimeSpan.Zero), "CP-4720", "C", "acme/plant-1/area-2/line-3/cell-1",
            new SignalEventPayload("seal_replacements", 3, null, "dev-341")), e);
        Assert.Equal(1, h.Stats.LifecycleEvents);
    }

    [Fact]
    public async Task EphemeralSignal_IsLiveOnly()
    {
        await using var h = await IngestionHarness.StartAsync(Taxonomy);
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, RpmTopic, "2950");

        Assert.Equal(0, h.Store.Count);
        Assert.Empty(h.Assets.Events);
        Assert.Equal(1, h.Stats.Ephemeral);
        Assert.Equal(2950, h.Server.Services.GetRequiredService<LatestValues>().Get(Asset, "shaft_rpm")!.Value);
    }

    [Fact]
    public async Task ValuesLeavingAndReenteringALimitBand_GiveOneAlert_RaisedThenCleared_WithOneId()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        double[] values = [4.0, 5.5, 6.0, 6.5, 4.8, 4.5];
        for (var i = 0; i < values.Length; i++)
        {
            await PublishAsync(device, Topic, Envelope(values[i], at: $"2026-03-14T08:30:0{i}Z"));
        }

        Assert.Equal(values.Length, h.Store.Count);
        var events = h.Assets.Events;
        Assert.Equal([AssetEventKind.AlertRaised, AssetEventKind.AlertCleared], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(("CP-4720", "C", (LimitSeverity?)LimitSeverity.Warning), (e.Item, e.Revision, e.Severity)));
        var (raised, cleared) = (Assert.IsType<AlertPayload>(events[0].Payload), Assert.IsType<AlertPayload>(events[1].Payload));
        Assert.Equal((AlertKind.Limit, "bearing_vibration_x", "mm/s", (double?)5.0, 5.5), (raised.Kind, raised.Signal, raised.Unit, raised.Limit?.Max, raised.Value));
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 8, 30, 1, TimeSpan.Zero), events[0].At);
        Assert.Equal((raised.Id, (LimitSeverity?)LimitSeverity.Warning, 4.8), (cleared.Id, cleared.Previous, cleared.Value));
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 8, 30, 4, TimeSpan.Zero), events[1].At);
        Assert.Equal(1, h.Stats.LimitCrossings);
    }

    [Fact]
    public async Task CrossingTheCriticalBandInsideTheWarningOne_IsOneAlertAtTheMostSevereBand_ThatChangesBandOnTheWayBack()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(7.5, at: "2026-03-14T08:30:00Z"));
        await PublishAsync(device, Topic, Envelope(6.0, at: "2026-03-14T08:30:01Z"));

        var events = h.Assets.Events;
        Assert.Equal([(AssetEventKind.AlertRaised, LimitSeverity.Critical), (AssetEventKind.AlertChanged, LimitSeverity.Warning)],
            events.Select(e => (e.Kind, e.Severity!.Value)));
        Assert.Single(events.Select(e => ((AlertPayload)e.Payload).Id).Distinct());
    }

    [Fact]
    public async Task LatePointOutsideTheBand_IsStoredButReportsNoCrossing()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.0, at: "2026-03-14T08:30:05Z"));
        await PublishAsync(device, Topic, Envelope(6.0, at: "2026-03-14T08:30:01Z"));

        Assert.Equal(2, h.Store.Count);
        Assert.Empty(h.Assets.Events);
    }

    [Fact]
    public async Task ValueInAnotherUnitThanTheLimit_IsNotCompared()
    {
        await using var h = await IngestionHarness.StartAsync();
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, """{"measurement":{"value":9.0,"unit":"in/s"}}""");

        Assert.Equal(1, h.Store.Count);
        Assert.Empty(h.Assets.Events);
    }
}
