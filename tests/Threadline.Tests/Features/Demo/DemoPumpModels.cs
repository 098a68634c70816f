using Threadline.Features.Twins;
using Threadline.Plm;
using Threadline.Telemetry;
using Threadline.Twins;

namespace Threadline.Features.Demo;

/// <summary>The demo pump's twin models at revisions C and D, as the server builds them: from the seeded PLM records and their twin model document.</summary>
internal static class DemoPumpModels
{
    public static readonly DateTimeOffset T0 = new(2026, 5, 4, 0, 0, 0, TimeSpan.Zero);

    private static readonly PlmCatalog Catalog = PlmCatalog.Empty.With(DemoPumpFamily.Build(PlmCatalog.Empty, T0));

    private static readonly TwinModelResolver Resolver = new();

    public static TwinModel ModelC { get; } = Resolver.ModelFor(Catalog.Get(DemoPumpFamily.Pump), "C")!;

    public static TwinModel ModelD { get; } = Resolver.ModelFor(Catalog.Get(DemoPumpFamily.Pump), "D")!;
}

/// <summary>One twin driven through the engine: its state and every event it concluded.</summary>
internal sealed class SimulatedTwin(TwinModel model, string assetId)
{
    public TwinModel Model { get; } = model;

    public TwinState State { get; private set; } = TwinState.Create(model, assetId);

    public List<TwinEvent> Events { get; } = [];

    public void Send(IEnumerable<TelemetryPoint> points)
    {
        foreach (var point in points)
        {
            var (state, events) = TwinEngine.Apply(State, Model, point);
            State = state;
            Events.AddRange(events);
        }
    }

    public SignalState Signal(string name) => State.Signal(name)!;

    public IEnumerable<T> Of<T>() where T : TwinEvent => Events.OfType<T>();
}
