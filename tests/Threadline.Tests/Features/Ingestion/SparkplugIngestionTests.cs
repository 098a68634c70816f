using Threadline.Sparkplug;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

public sealed class SparkplugIngestionTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Point_BecomesATelemetryPointOfTheResolvedAsset_UnderItsLastFolder()
    {
        var point = new SparkplugPoint("plant1", "edge1", "pump-1", "Pump/bearing_temperature", 21.5, At,
            StampedOnArrival: true, SparkplugQuality.Uncertain, Seq: 7, IsHistorical: false);

        var telemetry = SparkplugIngestion.ToTelemetryPoint(point, "P-100");

        Assert.Equal(new TelemetryPoint("P-100", "bearing_temperature", At, 21.5, null, TelemetryQuality.Uncertain,
            "plant1/edge1/pump-1", Seq: null, StampedOnArrival: true), telemetry);
    }
}
