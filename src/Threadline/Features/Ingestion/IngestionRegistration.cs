using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Threadline.Features.Ingestion.Security;
using Threadline.Sparkplug;

namespace Threadline.Features.Ingestion;

public static class IngestionRegistration
{
    /// <summary>
    /// The MQTT side and the ingestion pipeline. Needs IAssetLookup, IAssetEventLog and ITelemetryStore registered
    /// by their own features. Hosted services start in this order (and stop in reverse): the store writer, then the
    /// broker or the external subscription, so no message arrives before the writer runs and the writer drains last.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttOptions>, MqttOptionsValidator>();
        services.AddOptions<UnsOptions>().Bind(configuration.GetSection(UnsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UnsOptions>, UnsOptionsValidator>();
        services.AddOptions<IngestionOptions>().Bind(configuration.GetSection(IngestionOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestionOptions>, IngestionOptionsValidator>();
        services.AddOptions<SparkplugOptions>().Bind(configuration.GetSection(SparkplugOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SparkplugOptions>, SparkplugOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var sparkplug = sp.GetRequiredService<IOptions<SparkplugOptions>>().Value;
            return new SparkplugHost(sparkplug.HostId, sp.GetRequiredService<TimeProvider>(), TimeSpan.FromSeconds(sparkplug.RebirthIntervalSeconds));
        });

        services.AddSingleton<IngestionCounters>();
        services.AddSingleton(sp => new IngestQuarantine(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.QuarantineSamples));
        services.AddSingleton<Assets.IUnknownTelemetrySources>(sp => sp.GetRequiredService<IngestQuarantine>());
        services.AddSingleton<LatestValues>();
        services.AddSingleton<UnsPublisher>();
        services.AddSingleton(sp => new IntakeJournal(
            Path.Combine(sp.GetRequiredService<IOptions<Hosting.HostingPaths>>().Value.DataDirectory, "intake"),
            sp.GetRequiredService<IOptions<IngestionOptions>>().Value.JournalSegmentMegabytes * 1024L * 1024L,
            sp.GetRequiredService<IOptions<IngestionOptions>>().Value.JournalFsync,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<IntakeJournal>()));
        services.AddSingleton<TelemetryWriter>();
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<SparkplugIngestion>();
        services.AddSingleton<IngestionRouter>();
        services.AddSingleton<ServerCredential>();
        services.AddSingleton<DeviceCredentials>();
        services.AddSingleton<BrokerSecurity>();
        services.AddSingleton<EmbeddedBroker>();
        services.AddSingleton<ExternalBrokerConsumer>();

        services.AddHostedService(sp => sp.GetRequiredService<TelemetryWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerConsumer>());
        services.AddHealthChecks().AddCheck<MqttHealthCheck>("mqtt");
        return services;
    }
}

/// <summary>Healthy while the embedded broker listens or the external broker is connected; degraded while it reconnects.</summary>
internal sealed class MqttHealthCheck(IOptions<MqttOptions> options, EmbeddedBroker embedded, ExternalBrokerConsumer external) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var mqtt = options.Value;
        if (mqtt.IsEmbedded)
        {
            return Task.FromResult(embedded.Port > 0
                ? HealthCheckResult.Healthy($"embedded MQTT broker on {mqtt.BindAddress}:{embedded.Port}")
                : HealthCheckResult.Unhealthy("the embedded MQTT broker is not listening"));
        }
        return Task.FromResult(external.IsConnected
            ? HealthCheckResult.Healthy($"subscribed to {mqtt.External.Host}:{mqtt.External.Port}")
            : HealthCheckResult.Degraded($"not connected to {mqtt.External.Host}:{mqtt.External.Port}; reconnecting"));
    }
}
