using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Threadline.Features.Assets;
using Threadline.Features.Ingestion;
using Threadline.Features.Twins.Clustering;
using Threadline.Storage;

namespace Threadline.Features.Twins;

public static class TwinRegistration
{
    /// <summary>
    /// The twin runtime: an Orleans silo inside the server (localhost clustering, the embedded default, or ADO.NET
    /// clustering on PostgreSQL with Twins:Clustering=AdoNet), the feed from ingestion to the grains, and the twin
    /// store. Off with Twins:Enabled=false.
    /// </summary>
    public static WebApplicationBuilder AddTwins(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TwinOptions>().Bind(builder.Configuration.GetSection(TwinOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TwinOptions>, TwinOptionsValidator>();
        builder.Services.AddSingleton<TwinStore>();
        builder.Services.AddSingleton<TwinModelResolver>();
        var options = builder.Configuration.GetSection(TwinOptions.Section).Get<TwinOptions>() ?? new TwinOptions();
        if (!options.Enabled)
        {
            return builder;
        }
        var storage = builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        // The silo is configured from these settings now, while the server is built, so they are checked now: Orleans'
        // own validators would otherwise stop the start first, with messages that do not name Threadline's settings.
        if (new TwinOptionsValidator(Options.Create(storage)).Validate(null, options) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(TwinOptions.Section, typeof(TwinOptions), invalid.Failures);
        }
        builder.Services.AddSingleton<TwinPublisher>();
        builder.Services.AddSingleton<ILimitJudge, TwinLimitJudge>();
        builder.Services.AddHostedService<PlmSnapshotRefresher>();
        builder.Services.AddSingleton<IAssetConfigurationObserver, TwinConfigurationHook>();
        builder.Services.AddSingleton<TwinFeed>();
        builder.Services.AddSingleton<ITelemetryObserver>(sp => sp.GetRequiredService<TwinFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TwinFeed>());
        TwinStateWriter.Register(builder.Services);
        var siloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort;
        var gatewayPort = options.GatewayPort == 0 ? FreePort() : options.GatewayPort;
        builder.Services.AddSingleton(new SiloEndpoint(new IPEndPoint(TwinClustering.AdvertisedAddress(options), siloPort)));
        builder.UseOrleans(silo => TwinClustering.Configure(silo, options, storage, builder.Configuration, siloPort, gatewayPort));
        return builder;
    }

    /// <summary>Where this server's silo is reached, so a further server can join it (Twins:PrimarySiloEndpoint).</summary>
    public sealed record SiloEndpoint(IPEndPoint Address);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
