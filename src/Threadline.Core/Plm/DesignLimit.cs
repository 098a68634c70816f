namespace Threadline.Plm;

/// <summary>How serious the crossing of a design limit is.</summary>
public enum LimitSeverity
{
    Info,
    Warning,
    Critical,
}

/// <summary>
/// An engineering limit on one signal of an item revision (for example bearing_vibration_x at most 5.0 mm/s).
/// At least one of <see cref="Min"/> and <see cref="Max"/> is set; a signal may carry one limit per severity,
/// so a warning band can sit inside a critical one.
/// </summary>
public sealed record DesignLimit(string Signal, double? Min, double? Max, string Unit, LimitSeverity Severity)
{
    /// <summary>Whether a value (in <see cref="Unit"/>) lies outside the limit.</summary>
    public bool IsCrossedBy(double value) => value < (Min ?? double.NegativeInfinity) || value > (Max ?? double.PositiveInfinity);
}
