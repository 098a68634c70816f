using Microsoft.Extensions.Options;
using Threadline.Testing;

namespace Threadline.Features.Twins;

/// <summary>Clustering settings the server refuses at start, each with a message that names the setting to fix.</summary>
public class TwinClusterOptionsTests
{
    private const string Postgres = "Host=127.0.0.1;Username=threadline;Database=threadline";

    [Theory]
    [InlineData("Twins:Clustering=Zookeeper", "Twins:Clustering must be 'Localhost' or 'AdoNet', not 'Zookeeper'")]
    [InlineData("Twins:Clustering=AdoNet", "Twins:ClusteringConnectionString is required with Twins:Clustering=AdoNet unless Storage:Provider is Postgres")]
    [InlineData("Twins:Clustering=AdoNet;Twins:ClusteringConnectionString=Flavour=strawberry", "Twins:ClusteringConnectionString is not an Npgsql connection string")]
    [InlineData("Twins:Clustering=AdoNet;Twins:ClusteringConnectionString=" + Postgres + ";Twins:AdvertisedAddress=node-2", "Twins:AdvertisedAddress must be an IP address")]
    [InlineData("Twins:Clustering=AdoNet;Twins:ClusteringConnectionString=" + Postgres + ";Twins:ClusterId= ", "Twins:ClusterId must not be empty")]
    [InlineData("Twins:Clustering=AdoNet;Twins:ClusteringConnectionString=" + Postgres + ";Twins:PrimarySiloEndpoint=127.0.0.1:11111", "Twins:PrimarySiloEndpoint is for Localhost clustering")]
    [InlineData("Twins:AdvertisedAddress=10.0.0.12", "Twins:AdvertisedAddress applies to Twins:Clustering=AdoNet only")]
    public async Task BadClusteringSetting_FailsAtStartNamingIt(string settings, string message)
    {
        var flags = new Dictionary<string, string?> { ["Twins:Enabled"] = "true" };
        foreach (var (key, value) in SplitSettings(settings))
        {
            flags[key] = value;
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ThreadlineTestServer.StartAsync(flags));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>"Key=value;Key=value", where a value may itself be a connection string ("a=b;c=d") up to the next Twins: key.</summary>
    private static IEnumerable<KeyValuePair<string, string>> SplitSettings(string settings)
    {
        var parts = settings.Split(";Twins:");
        foreach (var part in parts.Select((p, i) => i == 0 ? p : "Twins:" + p))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            yield return new(part[..equals], part[(equals + 1)..]);
        }
    }
}
