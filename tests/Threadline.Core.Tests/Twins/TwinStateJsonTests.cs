using Threadline.Events;

namespace Threadline.Twins;

public class TwinStateJsonTests
{
    [Fact]
    public void Serialize_Events_NameTheirType()
    {
        var alert = new TwinAlert("limit:flow", AlertKind.Limit, "flow", Plm.LimitSeverity.Warning, 61, null, PumpRevisions.T0, "m", "I", "D", []);
        TwinEvent[] events = [new LimitCrossed("A", PumpRevisions.T0, alert, null), new UnitStarted("A", PumpRevisions.T0)];

        var json = System.Text.Json.JsonSerializer.Serialize(events, TwinStateJson.Options);

        Assert.Contains("\"type\":\"limitCrossed\"", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"unitStarted\"", json, StringComparison.Ordinal);
        var back = System.Text.Json.JsonSerializer.Deserialize<TwinEvent[]>(json, TwinStateJson.Options)!;
        Assert.IsType<LimitCrossed>(back[0]);
    }

    [Fact]
    public void Deserialize_StatePersistedBeforeConfiguration_ReadsWithNoEvidenceStart_AndOneWithItRoundTrips()
    {
        var twin = new TwinDriver(PumpRevisions.ModelD);
        twin.Learn(hours: 1);
        var old = TwinStateJson.Serialize(twin.State);
        Assert.DoesNotContain("evidenceSince", old, StringComparison.Ordinal);

        Assert.All(TwinStateJson.Deserialize(old).Signals, s => Assert.Null(s.EvidenceSince));

        var replaced = PumpRevisions.T0.AddHours(3);
        twin.Configure(new TwinConfiguration(replaced, true,
            [new("40", "20-4310", "A", "20-4310", "A", Assets.ConfigurationStatus.Replaced, null, false, replaced)]));
        var back = TwinStateJson.Deserialize(TwinStateJson.Serialize(twin.State));
        Assert.Equal(replaced, back.Signal("seal_leakage")!.EvidenceSince);
        Assert.Equal(TwinStateJson.Serialize(twin.State), TwinStateJson.Serialize(back));
    }
}
