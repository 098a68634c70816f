using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Threadline.Features.Ingestion;

namespace Threadline.Features.Twins;

public static class TwinRegistration
{
    /// <summary>
    /// The twin runtime: an Orleans silo inside the server (localhost clustering, the embedded default), the feed
    /// from ingestion to the grains, and the twin store. Off with Twins:Enabled=false.
    /// </summary>
    public static WebApplicationBuilder AddTwins(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TwinOptions>().Bind(builder.Configuration.GetSection(TwinOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TwinOptions>, TwinOptionsValidator>();
        builder.Services.AddSingleton<TwinStore>();
        var options = builder.Configuration.GetSection(TwinOptions.Section).Get<TwinOptions>() ?? new TwinOptions();
        if (!options.Enabled)
        {
            return builder;
        }
        builder.Services.AddSingleton<TwinPublisher>();
        builder.Services.AddSingleton<TwinFeed>();
        builder.Services.AddSingleton<ITelemetryObserver>(sp => sp.GetRequiredService<TwinFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TwinFeed>());
        TwinStateWriter.Register(builder.Services);
        var siloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort;
        var primary = string.IsNullOrEmpty(options.PrimarySiloEndpoint) ? null : IPEndPoint.Parse(options.PrimarySiloEndpoint);
        builder.Services.AddSingleton(new SiloEndpoint(new IPEndPoint(IPAddress.Loopback, siloPort)));
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort, options.GatewayPort == 0 ? FreePort() : options.GatewayPort, primary));
        return builder;
    }

    /// <summary>Where this server's silo listens, so a further server can join it (Twins:PrimarySiloEndpoint).</summary>
    public sealed record SiloEndpoint(IPEndPoint Address);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
