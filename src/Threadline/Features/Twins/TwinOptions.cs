using System.Net;
using Microsoft.Extensions.Options;
using Npgsql;
using Threadline.Features.Twins.Clustering;
using Threadline.Storage;

namespace Threadline.Features.Twins;

/// <summary>The twin runtime: an Orleans silo in the server process, one grain per asset.</summary>
public sealed class TwinOptions
{
    public const string Section = "Twins";

    /// <summary>Run the twin runtime. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How silos find each other: "Localhost" (default; one server, or further servers on the same host joining the
    /// first through <see cref="PrimarySiloEndpoint"/>) or "AdoNet" (a membership table in PostgreSQL that every
    /// silo of the cluster reads and writes; the scale-out path, across hosts).
    /// </summary>
    public string Clustering { get; set; } = TwinClusteringModes.Localhost;

    /// <summary>Orleans silo-to-silo port; 0 picks a free one. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port; 0 picks a free one. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// Localhost clustering only: the silo port of the cluster's first silo (address:port) when this server joins it
    /// as a further silo; empty (default) for a single server. That first silo holds the membership, so it is a
    /// single point of failure: use AdoNet clustering for a cluster that must outlive any one server.
    /// </summary>
    public string? PrimarySiloEndpoint { get; set; }

    /// <summary>AdoNet clustering: the cluster this silo joins (the key of its rows in the membership table). Default "threadline".</summary>
    public string ClusterId { get; set; } = "threadline";

    /// <summary>AdoNet clustering: the service identity, stable across redeployments of the cluster. Default "threadline".</summary>
    public string ServiceId { get; set; } = "threadline";

    /// <summary>
    /// AdoNet clustering: the Npgsql connection string of the membership database. Default: Storage:ConnectionString
    /// when Storage:Provider is Postgres (the membership tables then sit beside the PLM store's).
    /// </summary>
    public string? ClusteringConnectionString { get; set; }

    /// <summary>
    /// AdoNet clustering: the IP address other silos reach this one at (written in the membership table). Default
    /// loopback, which only makes a cluster of silos on one host; set the host's address for silos on several hosts
    /// (the silo then listens on all interfaces).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>A twin writes its state at most this often while telemetry flows (server clock), and always when it deactivates. Default 30 s.</summary>
    public int PersistIntervalSeconds { get; set; } = 30;

    /// <summary>A twin keeps a snapshot for time travel (GET /api/twins/{id}?at=) at most this often, in source time. Default 60 min.</summary>
    public int SnapshotIntervalMinutes { get; set; } = 60;

    /// <summary>
    /// On activation a twin takes in, from the time-series store, the readings stored after its persisted state and
    /// at most this many hours old (what a crashed server's twins had not written yet, or what the intake journal
    /// stored at start). 0 turns it off. Default 24.
    /// </summary>
    public int CatchUpHours { get; set; } = 24;

    /// <summary>At most this many readings are taken in at one activation (the oldest first); the rest are left to the store. Default 100,000.</summary>
    public int CatchUpMaxReadings { get; set; } = 100_000;
}

public sealed class TwinOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<TwinOptions>
{
    public ValidateOptionsResult Validate(string? name, TwinOptions options)
    {
        var failures = new List<string>();
        var adoNet = TwinClusteringModes.IsAdoNet(options.Clustering);
        if (!adoNet && !TwinClusteringModes.IsLocalhost(options.Clustering))
        {
            failures.Add($"Twins:Clustering must be '{TwinClusteringModes.Localhost}' or '{TwinClusteringModes.AdoNet}', not '{options.Clustering}'.");
        }
        if (options.SiloPort is < 0 or > 65535)
        {
            failures.Add($"Twins:SiloPort must be a TCP port (0 for any free one), not {options.SiloPort}.");
        }
        if (options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"Twins:GatewayPort must be a TCP port (0 for any free one), not {options.GatewayPort}.");
        }
        if (options.PrimarySiloEndpoint is { Length: > 0 } primary)
        {
            if (adoNet)
            {
                failures.Add("Twins:PrimarySiloEndpoint is for Localhost clustering; with Twins:Clustering=AdoNet silos find each other in the membership table, so leave it empty.");
            }
            else if (!IPEndPoint.TryParse(primary, out _))
            {
                failures.Add($"Twins:PrimarySiloEndpoint must be an address:port such as 127.0.0.1:11111, not '{primary}'.");
            }
        }
        if (adoNet)
        {
            ValidateAdoNet(options, storage.Value, failures);
        }
        else if (!string.IsNullOrEmpty(options.AdvertisedAddress))
        {
            failures.Add("Twins:AdvertisedAddress applies to Twins:Clustering=AdoNet only; Localhost clustering always uses the loopback address.");
        }
        if (options.PersistIntervalSeconds is < 1 or > 3600)
        {
            failures.Add($"Twins:PersistIntervalSeconds must be between 1 and 3600, not {options.PersistIntervalSeconds}.");
        }
        if (options.SnapshotIntervalMinutes is < 1 or > 10080)
        {
            failures.Add($"Twins:SnapshotIntervalMinutes must be between 1 and 10080, not {options.SnapshotIntervalMinutes}.");
        }
        if (options.CatchUpHours is < 0 or > 8760)
        {
            failures.Add($"Twins:CatchUpHours must be between 0 (off) and 8760, not {options.CatchUpHours}.");
        }
        if (options.CatchUpMaxReadings is < 1 or > 10_000_000)
        {
            failures.Add($"Twins:CatchUpMaxReadings must be between 1 and 10000000, not {options.CatchUpMaxReadings}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateAdoNet(TwinOptions options, StorageOptions storage, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add("Twins:ClusterId must not be empty with Twins:Clustering=AdoNet (silos with the same ClusterId form one cluster).");
        }
        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("Twins:ServiceId must not be empty with Twins:Clustering=AdoNet.");
        }
        if (!string.IsNullOrEmpty(options.AdvertisedAddress) && !IPAddress.TryParse(options.AdvertisedAddress, out _))
        {
            failures.Add($"Twins:AdvertisedAddress must be an IP address such as 10.0.0.12, not '{options.AdvertisedAddress}'.");
        }
        var sharedStore = string.Equals(storage.Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase);
        if (!sharedStore)
        {
            failures.Add($"Twins:Clustering=AdoNet needs Storage:Provider=Postgres, not '{storage.Provider}': a twin moves between servers, " +
                "so its state, like the PLM records it is built from, must be in a database they all share " +
                "(Twins:ClusteringConnectionString may still put the membership table in another PostgreSQL database).");
        }
        var connectionString = TwinClusteringModes.MembershipConnectionString(options, storage);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (sharedStore)
            {
                failures.Add("Storage:ConnectionString is required: Twins:Clustering=AdoNet keeps its membership table in the PLM store's PostgreSQL " +
                    "unless Twins:ClusteringConnectionString names another database.");
            }
            return;
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException bad)
        {
            var setting = string.IsNullOrWhiteSpace(options.ClusteringConnectionString) ? "Storage:ConnectionString" : "Twins:ClusteringConnectionString";
            failures.Add($"{setting} is not an Npgsql connection string ({bad.Message}); the membership table of Twins:Clustering=AdoNet needs one.");
        }
    }
}
