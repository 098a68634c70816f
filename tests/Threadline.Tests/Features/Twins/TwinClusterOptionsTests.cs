using Microsoft.Extensions.Options;
using Threadline.Testing;

namespace Threadline.Features.Twins;

/// <summary>Clustering settings the server refuses when it is built, each with a message that names the setting to fix.</summary>
public class TwinClusterOptionsTests
{
    [Theory]
    [InlineData("Twins:Clustering=Zookeeper", "Twins:Clustering must be 'Localhost' or 'AdoNet', not 'Zookeeper'")]
    [InlineData("Twins:Clustering=AdoNet|Storage:Provider=Sqlite", "Twins:Clustering=AdoNet needs Storage:Provider=Postgres, not 'Sqlite'")]
    [InlineData("Twins:Clustering=AdoNet|Storage:ConnectionString=", "Storage:ConnectionString is required: Twins:Clustering=AdoNet keeps its membership table")]
    [InlineData("Twins:Clustering=AdoNet|Twins:ClusteringConnectionString=Flavour=strawberry", "Twins:ClusteringConnectionString is not an Npgsql connection string")]
    [InlineData("Twins:Clustering=AdoNet|Twins:AdvertisedAddress=node-2", "Twins:AdvertisedAddress must be an IP address")]
    [InlineData("Twins:Clustering=AdoNet|Twins:ClusterId= ", "Twins:ClusterId must not be empty")]
    [InlineData("Twins:Clustering=AdoNet|Twins:PrimarySiloEndpoint=127.0.0.1:11111", "Twins:PrimarySiloEndpoint is for Localhost clustering")]
    [InlineData("Twins:AdvertisedAddress=10.0.0.12", "Twins:AdvertisedAddress applies to Twins:Clustering=AdoNet only")]
    [InlineData("Twins:CatchUpHours=-1", "Twins:CatchUpHours must be between 0 (off) and 8760, not -1")]
    [InlineData("Twins:CatchUpMaxReadings=0", "Twins:CatchUpMaxReadings must be between 1 and 10000000, not 0")]
    public async Task BadTwinSetting_FailsAtStartNamingIt(string settings, string message)
    {
        var flags = new Dictionary<string, string?>
        {
            ["Twins:Enabled"] = "true", ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = "Host=127.0.0.1;Username=threadline;Database=threadline",
        };
        foreach (var setting in settings.Split('|'))
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            flags[setting[..equals]] = setting[(equals + 1)..];
        }

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ThreadlineTestServer.StartAsync(flags));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }
}
