using Microsoft.Extensions.Options;

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

        services.AddSingleton<IngestionCounters>();
        services.AddSingleton(sp => new IngestQuarantine(sp.GetRequiredService<IOptions<IngestionOptions>>().Value.QuarantineSamples));
        services.AddSingleton<LatestValues>();
        services.AddSingleton<UnsPublisher>();
        services.AddSingleton<TelemetryWriter>();
        services.AddSingleton<IngestionPipeline>();
        services.AddSingleton<SparkplugIngestion>();
        services.AddSingleton<IngestionRouter>();
        services.AddSingleton<EmbeddedBroker>();
        services.AddSingleton<ExternalBrokerConsumer>();

        services.AddHostedService(sp => sp.GetRequiredService<TelemetryWriter>());
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerConsumer>());
        return services;
    }
}
