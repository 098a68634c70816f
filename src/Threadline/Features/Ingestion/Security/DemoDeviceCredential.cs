namespace Threadline.Features.Ingestion.Security;

/// <summary>A device credential issued for a person to try the broker with (the demo prints one): issued by the feature that owns credentials.</summary>
public static class DemoDeviceCredential
{
    /// <summary>
    /// Anonymous MQTT is refused, so the README's mosquitto_pub needs a device credential: one asset's is issued (a new
    /// password at every call, replacing the last) and returned with the command that publishes a reading on its topic.
    /// </summary>
    public static async Task<string> LinesAsync(IServiceProvider services, string asset, string sitePath, string signal, CancellationToken ct)
    {
        if (await services.GetRequiredService<DeviceCredentials>().IssueForAssetAsync(asset, ct) is not { } credential)
        {
            return "";
        }
        var mqtt = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MqttOptions>>().Value;
        return $"""
            MQTT device credential of {asset} (new at every start; POST /api/assets/ASSET-ID/device-credentials issues others):
              mosquitto_pub -h {mqtt.BindAddress} -p {mqtt.Port} -q 1 -u {credential.Username} -P {credential.Password} -t threadline/{sitePath}/{asset}/{signal} -m 3.1
            """;
    }
}
