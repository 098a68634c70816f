namespace Threadline.Events;

/// <summary>
/// What an event on an asset's record says. The three alert kinds are the steps of one alert's life, grouped by its
/// <see cref="AlertId"/>; an acknowledgement will be a fourth. Stored by name, so a kind added later leaves the old rows as
/// they are.
/// </summary>
public enum AssetEventKind
{
    /// <summary>An alert was raised: a design limit crossed, an anomaly, a correlation rule fired.</summary>
    AlertRaised,

    /// <summary>An active alert moved to another band (warning to critical, or back).</summary>
    AlertChanged,

    /// <summary>An alert's cause went away.</summary>
    AlertCleared,

    /// <summary>The unit's device came online (a Sparkplug birth).</summary>
    DeviceOnline,

    /// <summary>The unit's device went offline (a Sparkplug death, or its edge node's).</summary>
    DeviceOffline,

    /// <summary>A value of a signal configured as a lifecycle event (Uns:Signals:{name}:Class=LifecycleEvent).</summary>
    SignalEvent,

    /// <summary>A service event (replacement, inspection, repair, adjustment) was recorded.</summary>
    ServiceRecorded,

    /// <summary>The unit's as-built record was replaced, so its configuration may have changed.</summary>
    ConfigurationChanged,
}

/// <summary>Which detector raised an alert.</summary>
public enum AlertKind
{
    /// <summary>A design limit of the unit's revision crossed.</summary>
    Limit,

    /// <summary>A deviation from the unit's own learned behaviour at its operating point.</summary>
    Anomaly,

    /// <summary>A correlation rule across signals.</summary>
    Correlation,
}
