namespace Threadline.Prediction.Rul;

/// <summary>
/// One cycle of a unit's life: the operating settings it ran at and the sensor readings taken, both in the units of the source
/// (C-MAPSS: altitude, Mach number and throttle angle; temperatures in °R, pressures in psia, speeds in rpm).
/// <see cref="Cycle"/> counts operating cycles from 1, not wall-clock time.
/// </summary>
public sealed record CycleObservation(int Cycle, double[] Settings, double[] Sensors);

/// <summary>
/// The recorded cycles of one unit in cycle order: a complete run to failure in training data, or the history so far of a unit in service.
/// </summary>
public sealed record UnitHistory(int Unit, IReadOnlyList<CycleObservation> Cycles)
{
    /// <summary>Number of cycles recorded.</summary>
    public int Length => Cycles.Count;

    /// <summary>The first <paramref name="count"/> cycles, as the unit looked at that point of its life.</summary>
    public UnitHistory Prefix(int count) => new(Unit, Cycles.Take(count).ToArray());
}
