using System.Text;
using Threadline.Twins;
using Xunit.Abstractions;

namespace Threadline.Features.Demo;

/// <summary>A simulated pump's twin state persisted and read back: size budget and exact continuation.</summary>
public class SimulatedPumpStateTests(ITestOutputHelper output)
{
    private const int BudgetBytes = 8 * 1024;

    private static TwinState WornPumpAfter(double days) =>
        SimulatedPump.Run(PumpSimulator.Create(3, "SN00341", "D", PumpProfile.WornBearing), days, [DemoPumpModels.ModelD]).Twins[0].State;

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
    public void Deserialize_StateReadBack_ContinuesExactlyAsTheOriginal()
    {
        var pump = PumpSimulator.Create(5, "SN00341", "D", PumpProfile.WornBearing);
        var (twins, _) = SimulatedPump.Run(pump, 20, [DemoPumpModels.ModelD]);
        var original = twins[0].State;
        var restored = TwinStateJson.Deserialize(TwinStateJson.Serialize(original));
        Assert.Equal(TwinStateJson.Serialize(original), TwinStateJson.Serialize(restored));

        var at = twins[0].State.UpdatedAt!.Value;
        for (var i = 0; i < 6 * 24 * 3; i++)
        {
            at += SimulatedPump.Step;
            foreach (var point in pump.Step(at, SimulatedPump.Step))
            {
                original = TwinEngine.Apply(original, DemoPumpModels.ModelD, point).State;
                restored = TwinEngine.Apply(restored, DemoPumpModels.ModelD, point).State;
            }
        }

        Assert.Equal(TwinStateJson.Serialize(original), TwinStateJson.Serialize(restored));
    }
}
