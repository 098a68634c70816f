using System.Text.Json.Serialization;
using Threadline.Api;
using Threadline.Features.Assets;
using Threadline.Features.Demo;
using Threadline.Features.Ingestion;
using Threadline.Features.Ingestion.Security;
using Threadline.Features.Plm;
using Threadline.Features.Security;
using Threadline.Features.Telemetry;
using Threadline.Features.Twins;
using Threadline.Storage;

namespace Threadline.Hosting;

/// <summary>The server's table of contents: what it registers and what it maps. Used by serve, demo and the tests.</summary>
public static class ServerHost
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static WebApplicationBuilder CreateBuilder(IReadOnlyDictionary<string, string?> flags)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddThreadlineSources(flags);
        builder.WebHost.UseUrls(builder.Configuration["Urls"] ?? DefaultUrls);
        builder.AddStructuredLogging();

        builder.Services.AddSingleton(TimeProvider.System);
        // A clean stop stores everything the server holds: the telemetry writer drains its queue, the twin writer
        // writes every twin's last state (25 s for 100,000 twins on the benchmark machine). The host's 30 s default
        // would cut that short; ShutdownTimeoutSeconds (default 120) bounds it instead.
        var shutdownSeconds = builder.Configuration.GetValue("ShutdownTimeoutSeconds", 120);
        if (shutdownSeconds is < 1 or > 3600)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("ShutdownTimeoutSeconds", typeof(HostOptions),
                [$"ShutdownTimeoutSeconds must be between 1 and 3600, not {shutdownSeconds}."]);
        }
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(shutdownSeconds));
        builder.Services.AddStorage(builder.Configuration);
        builder.AddSecurity();
        builder.Services.AddPlm();
        builder.Services.AddInstalledBase();
        builder.Services.AddIngestion(builder.Configuration);
        builder.Services.AddTelemetry(builder.Configuration);
        builder.AddTwins();
        builder.Services.AddDemoSimulation(builder.Configuration);

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemMapping>();
        // Let a body that cannot be read reach ProblemMapping, which says where it broke, instead of a bare 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi();
        // Last: it lists the options types registered above.
        builder.Services.AddSingleton(ConfigurationCheck.For(builder.Services));
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSecurity();
        app.MapOpenApi().RequireAuthorization(RolePolicies.Viewer);
        // Liveness says only that the process answers: a load balancer asks it without credentials.
        app.MapHealthChecks("/health/live", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health").RequireAuthorization(RolePolicies.Viewer);
        app.MapSecurityEndpoints();
        app.MapPlmEndpoints();
        app.MapAssetEndpoints();
        app.MapIngestionEndpoints();
        app.MapDeviceCredentialEndpoints();
        app.MapTelemetryEndpoints();
        app.MapTwinEndpoints();
        return app;
    }

    /// <summary>Migrates the stores, seeds them if asked, then starts listening: no request meets an old schema or a half-seeded store.</summary>
    public static async Task StartAsync(WebApplication app, Func<IServiceProvider, CancellationToken, Task>? seed = null, CancellationToken cancellationToken = default)
    {
        app.Services.GetRequiredService<ConfigurationCheck>().ThrowIfInvalid(app.Services);
        await app.Services.GetRequiredService<ThreadlineDb>().MigrateAsync(cancellationToken);
        await app.Services.GetRequiredService<ITelemetryStore>().InitialiseAsync(cancellationToken);
        if (seed is not null)
        {
            await seed(app.Services, cancellationToken);
        }
        await SecurityBootstrap.EnsureAdminAsync(app.Services, cancellationToken);
        await app.StartAsync(cancellationToken);
    }

    private static void AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        // Logging:Format = json (default for serve) writes one JSON object a line for a log collector;
        // text is for a person watching the demo.
        if (string.Equals(builder.Configuration["Logging:Format"], "text", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; o.UseUtcTimestamp = true; });
        }
        else
        {
            builder.Logging.AddJsonConsole(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
        }
    }
}
