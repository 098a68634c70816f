using System.Net;
using Orleans.Configuration;
using Threadline.Storage;

namespace Threadline.Features.Twins.Clustering;

/// <summary>The values of Twins:Clustering, and where the AdoNet membership table lives.</summary>
public static class TwinClusteringModes
{
    public const string Localhost = "Localhost";
    public const string AdoNet = "AdoNet";

    /// <summary>The ADO.NET provider invariant Orleans loads Npgsql's factory by.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static bool IsLocalhost(string? mode) => string.Equals(mode, Localhost, StringComparison.OrdinalIgnoreCase);

    public static bool IsAdoNet(string? mode) => string.Equals(mode, AdoNet, StringComparison.OrdinalIgnoreCase);

    /// <summary>Twins:ClusteringConnectionString, else the PLM store's connection when that store is PostgreSQL, else null.</summary>
    public static string? MembershipConnectionString(TwinOptions twins, StorageOptions storage) =>
        !string.IsNullOrWhiteSpace(twins.ClusteringConnectionString) ? twins.ClusteringConnectionString
        : string.Equals(storage.Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase) ? storage.ConnectionString
        : null;
}

/// <summary>Puts the silo in its cluster: localhost clustering, or ADO.NET clustering on a PostgreSQL membership table.</summary>
internal static class TwinClustering
{
    /// <summary>Twins:Membership binds Orleans' <see cref="ClusterMembershipOptions"/> (failure detection), in either mode.</summary>
    public const string MembershipSection = "Twins:Membership";

    /// <summary>The address this silo is reached at: Twins:AdvertisedAddress with AdoNet clustering (validated by then), else loopback.</summary>
    public static IPAddress AdvertisedAddress(TwinOptions options) =>
        TwinClusteringModes.IsAdoNet(options.Clustering) && IPAddress.TryParse(options.AdvertisedAddress, out var address) ? address : IPAddress.Loopback;

    public static void Configure(ISiloBuilder silo, TwinOptions options, StorageOptions storage, IConfiguration configuration, int siloPort, int gatewayPort)
    {
        silo.Services.AddOptions<ClusterMembershipOptions>().Bind(configuration.GetSection(MembershipSection));
        if (!TwinClusteringModes.IsAdoNet(options.Clustering))
        {
            var primary = IPEndPoint.TryParse(options.PrimarySiloEndpoint ?? "", out var endpoint) ? endpoint : null;
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary);
            return;
        }
        var advertised = AdvertisedAddress(options);
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        // A silo advertised on a routable address must accept connections on it; a loopback one stays private to the host.
        silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        var connectionString = TwinClusteringModes.MembershipConnectionString(options, storage);
        silo.Services.AddSingleton(new PostgresMembershipSchema.Database(connectionString ?? ""));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PostgresMembershipSchema>();
        silo.UseAdoNetClustering(adoNet =>
        {
            adoNet.Invariant = TwinClusteringModes.NpgsqlInvariant;
            adoNet.ConnectionString = connectionString;
        });
    }
}
