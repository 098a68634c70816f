using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Threadline.Hosting;

namespace Threadline.Storage;

public static class StorageRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HostingPaths>().Bind(configuration)
            .Validate(p => !string.IsNullOrWhiteSpace(p.DataDirectory), "DataDirectory (flag --data) must name a folder.");
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<ThreadlineDb>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        return services;
    }
}

internal sealed class StorageHealthCheck(ThreadlineDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = db.CreateContext();
        return await connection.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy(db.IsPostgres ? "PostgreSQL reachable" : "SQLite file open")
            : HealthCheckResult.Unhealthy("The relational store cannot be reached.");
    }
}
