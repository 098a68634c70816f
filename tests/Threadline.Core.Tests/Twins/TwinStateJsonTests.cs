using Threadline.Events;

using System.Text;
using Xunit.Abstractions;

namespace Threadline.Twins;

// Alone: the memory measure reads the whole heap, which other tests running in parallel would inflate.
[CollectionDefinition(nameof(TwinStateJsonTests), DisableParallelization = true)]
public sealed class MeasuredAloneCollection;

[Collection(nameof(TwinStateJsonTests))]
public class TwinStateJsonTests(ITestOutputHelper output)
{
    private const int BudgetBytes = 8 * 1024;

    /// <summary>A month of a pump sampled every 10 minutes whose bearing vibration and temperature climb: full daily aggregates, active alerts.</summary>
    private static TwinState WornPumpAfter(int days)
    {
        var twin = new TwinDriver(PumpRevisions.ModelD);
        var samples = days * 144;
        for (var i = 0; i < samples; i++)
        {
            var wear = (double)i / samples;
            twin.Tick(TimeSpan.FromMinutes(10), at => PumpRevisions.Running(at, vibration: 1.5 + 3.5 * wear + (i % 2 == 0 ? 0.05 : -0.05), temperature: 50 + 30 * wear));
        }
        return twin.State;
    }

    [Fact]
    public void Deserialize_ThousandStates_HoldUnderTheBudgetEachInMemory()
    {
        var worn = WornPumpAfter(30);
        Assert.NotEmpty(worn.Alerts);
        var json = TwinStateJson.Serialize(worn);
        var states = new TwinState[1000];

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = TwinStateJson.Deserialize(json);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(states);

        var perTwin = (after - before) / states.Length;
        output.WriteLine($"retained per twin: {perTwin} bytes (JSON {Encoding.UTF8.GetByteCount(json)} bytes, {worn.Alerts.Length} active alerts)");
        Assert.True(perTwin <= BudgetBytes, $"{perTwin} bytes");
    }

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
