using Microsoft.Extensions.Options;
using Threadline.Hosting;
using Threadline.Storage;

namespace Threadline.Features.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// Registers the configured <see cref="ITelemetryStore"/> (a singleton; call its InitialiseAsync before serving)
    /// and the background retention pass.
    /// </summary>
    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = configuration.GetSection(StorageOptions.Section);
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section))
            .PostConfigure(telemetry =>
            {
                // Sharing the relational PostgreSQL is the common case; a second server is never guessed at.
                if (telemetry.IsPostgres && string.IsNullOrWhiteSpace(telemetry.ConnectionString)
                    && string.Equals(storage["Provider"], StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase))
                {
                    telemetry.ConnectionString = storage["ConnectionString"];
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        services.AddSingleton(sp => CreateStore(
            sp.GetRequiredService<IOptions<TelemetryOptions>>().Value, sp.GetRequiredService<IOptions<HostingPaths>>().Value.DataDirectory));
        services.AddHostedService<TelemetryRetentionService>();
        return services;
    }

    /// <summary>The store <paramref name="options"/> names; the DuckDB file defaults to telemetry.duckdb in <paramref name="dataDirectory"/>.</summary>
    public static ITelemetryStore CreateStore(TelemetryOptions options, string dataDirectory) => options.IsPostgres
        ? new PostgresTelemetryStore(options.ConnectionString!, options)
        : new DuckDbTelemetryStore(options.DuckDbFile ?? Path.Combine(dataDirectory, "telemetry.duckdb"), options);
}

/// <summary>
/// Applies each tier's retention every Telemetry:RetentionIntervalMinutes, by the injected clock; the first pass
/// comes one interval after the service is created. A failed pass is logged and retried at the next tick.
/// </summary>
internal sealed partial class TelemetryRetentionService(
    ITelemetryStore store, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<TelemetryRetentionService> logger) : BackgroundService
{
    // Created with the service, not in ExecuteAsync: that runs on a background thread, and the interval must count
    // from a known instant of the injected clock.
    private readonly PeriodicTimer _timer = new(TimeSpan.FromMinutes(options.Value.RetentionIntervalMinutes), time);

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.ApplyRetentionAsync(time.GetUtcNow(), stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    RetentionFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Telemetry retention pass failed; retrying at the next interval.")]
    private static partial void RetentionFailed(ILogger logger, Exception exception);
}
