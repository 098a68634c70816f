using Threadline.Telemetry;

namespace Threadline.Twins;

/// <summary>Drives one twin through the engine, keeping its state, every event and the time of the last sample.</summary>
internal sealed class TwinDriver(TwinModel model, string assetId = PumpRevisions.AssetD)
{
    public TwinModel Model { get; } = model;

    public TwinState State { get; private set; } = TwinState.Create(model, assetId);

    public List<TwinEvent> Events { get; } = [];

    public DateTimeOffset At { get; private set; } = PumpRevisions.T0;

    public string AssetId => State.AssetId;

    /// <summary>Applies points in order; returns the events they caused.</summary>
    public List<TwinEvent> Send(IEnumerable<TelemetryPoint> points)
    {
        var (state, events) = PumpRevisions.Feed(State, Model, points);
        State = state;
        Events.AddRange(events);
        return events;
    }

    /// <summary>Moves time on by <paramref name="step"/> and sends what <paramref name="points"/> makes for the new time.</summary>
    public List<TwinEvent> Tick(TimeSpan step, Func<DateTimeOffset, IEnumerable<TelemetryPoint>> points)
    {
        At += step;
        return Send(points(At));
    }

    /// <summary>A running pump sampled every 10 minutes for <paramref name="hours"/>, vibration wobbling ±0.05 mm/s around its value.</summary>
    public void Learn(double hours, double flow = 45, double vibration = 1.5, double margin = 3)
    {
        var samples = (int)(hours * 6);
        for (var i = 0; i < samples; i++)
        {
            var wobble = i % 2 == 0 ? 0.05 : -0.05;
            Tick(TimeSpan.FromMinutes(10), at => PumpRevisions.Running(at, AssetId, flow: flow, vibration: vibration + wobble, margin: margin + wobble));
        }
    }

    /// <summary>Takes in a configuration; returns the events it caused.</summary>
    public IReadOnlyList<TwinEvent> Configure(TwinConfiguration configuration)
    {
        var (state, events) = TwinEngine.Configure(State, Model, configuration);
        State = state;
        Events.AddRange(events);
        return events;
    }

    public SignalState Signal(string name) => State.Signal(name)!;

    public IEnumerable<T> Of<T>() where T : TwinEvent => Events.OfType<T>();
}
