using Threadline.Twins;

namespace Threadline.Features.Demo;

/// <summary>Runs a simulated pump through one or more twins, sampling every 10 minutes from <see cref="DemoPumpModels.T0"/>.</summary>
internal static class SimulatedPump
{
    public static readonly TimeSpan Step = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Feeds <paramref name="days"/> days of the simulator's telemetry to a twin per model; <paramref name="onDay"/> is called
    /// at each midnight with the day number and the twins' states.
    /// </summary>
    public static (SimulatedTwin[] Twins, PumpSimulator Pump) Run(
        PumpSimulator pump, double days, TwinModel[] models, Action<int, SimulatedTwin[]>? onDay = null)
    {
        var twins = models.Select(m => new SimulatedTwin(m, pump.AssetId)).ToArray();
        var steps = (int)(days * 24 * 6);
        var at = DemoPumpModels.T0;
        for (var i = 1; i <= steps; i++)
        {
            at += Step;
            var points = pump.Step(at, Step);
            foreach (var twin in twins)
            {
                twin.Send(points);
            }
            if (i % (24 * 6) == 0)
            {
                onDay?.Invoke(i / (24 * 6), twins);
            }
        }
        return (twins, pump);
    }
}
