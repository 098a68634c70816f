using Threadline.Events;
using System.Text;
using Threadline.Simulation;
using Xunit.Abstractions;

namespace Threadline.Twins;

// Alone: the memory measure reads the whole heap, which other tests running in parallel would inflate.
[CollectionDefinition(nameof(TwinStateJsonTests), DisableParallelization = true)]
public sealed class MeasuredAloneCollection;

[Collection(nameof(TwinStateJsonTests))]
public class TwinStateJsonTests(ITestOutputHelper output)
{
    private const int BudgetBytes = 8 * 1024;

    private static TwinState WornPumpAfter(double days) =>
        SimulatedPump.Run(PumpSimulator.Create(3, "SN00341", "D", PumpProfile.WornBearing), days, [PumpRevisions.ModelD]).Twins[0].State;

    [Fact]
    public void Serialize_WornPumpWithActiveAlertsAfterTwoMonths_FitsTheBudget()
    {
        var state = WornPumpAfter(60);
        Assert.NotEmpty(state.Alerts);

        var bytes = Encoding.UTF8.GetByteCount(TwinStateJson.Serialize(state));

        output.WriteLine($"serialised twin state: {bytes} bytes with {state.Alerts.Length} active alerts");
        Assert.True(bytes <= BudgetBytes, $"{bytes} bytes");
    }

    [Fact]
    public void Deserialize_ThousandStates_HoldUnderTheBudgetEachInMemory()
    {
        var json = TwinStateJson.Serialize(WornPumpAfter(30));
        var states = new TwinState[1000];

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = TwinStateJson.Deserialize(json);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(states);

        var perTwin = (after - before) / states.Length;
        output.WriteLine($"retained per twin: {perTwin} bytes (JSON {Encoding.UTF8.GetByteCount(json)} bytes)");
        Assert.True(perTwin <= BudgetBytes, $"{perTwin} bytes");
    }

    [Fact]
    public void Deserialize_StateReadBack_ContinuesExactlyAsTheOriginal()
    {
        var pump = PumpSimulator.Create(5, "SN00341", "D", PumpProfile.WornBearing);
        var (twins, _) = SimulatedPump.Run(pump, 20, [PumpRevisions.ModelD]);
        var original = twins[0].State;
        var restored = TwinStateJson.Deserialize(TwinStateJson.Serialize(original));
        Assert.Equal(TwinStateJson.Serialize(original), TwinStateJson.Serialize(restored));

        var at = twins[0].At;
        for (var i = 0; i < 6 * 24 * 3; i++)
        {
            at += SimulatedPump.Step;
            foreach (var point in pump.Step(at, SimulatedPump.Step))
            {
                original = TwinEngine.Apply(original, PumpRevisions.ModelD, point).State;
                restored = TwinEngine.Apply(restored, PumpRevisions.ModelD, point).State;
            }
        }

        Assert.Equal(TwinStateJson.Serialize(original), TwinStateJson.Serialize(restored));
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
