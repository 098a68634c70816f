using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Threadline's external-broker mode against a Mosquitto run as docs/security.md describes: no anonymous clients, a
/// password file, the ACL file of the docs, TLS.
/// </summary>
public sealed class ExternalBrokerSecurityTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly TestCertificates _certificates = new();

    /// <summary>The ACL file of docs/security.md ("MQTT: devices, ACLs, TLS"), for prefix acme and a site path four levels deep.</summary>
    private static string Acl => $"""
        user threadline
        topic readwrite {Prefix}/#
        topic readwrite spBv1.0/#

        pattern write {Prefix}/+/+/+/+/%u/+
        """;

    [Fact]
    public async Task ThreadlineOverTlsWithCredentials_StoresWhatADevicePublishesUnderItsOwnAsset_AndMosquittoRefusesTheRest()
    {
        await using var mosquitto = await MosquittoBroker.StartSecuredAsync(
            new Dictionary<string, string> { ["threadline"] = "server-secret", [Asset] = "device-secret" }, Acl, _certificates);
        await using var h = await IngestionHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mqtt:Mode"] = "External",
            ["Mqtt:External:Host"] = mosquitto.Host,
            ["Mqtt:External:Port"] = mosquitto.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:External:ClientId"] = "tl-secure",
            ["Mqtt:External:Username"] = "threadline",
            ["Mqtt:External:Password"] = "server-secret",
            ["Mqtt:External:UseTls"] = "true",
            ["Mqtt:External:CaCertificatePath"] = _certificates.CaPath,
        });
        await OnlineStateAsync(mosquitto);
        using var anonymous = new MqttClientFactory().CreateMqttClient();
        using var device = new MqttClientFactory().CreateMqttClient();

        var anonymousResult = await anonymous.ConnectAsync(Options(mosquitto, "anonymous").Build());
        await device.ConnectAsync(Options(mosquitto, "dev-341").WithCredentials(Asset, "device-secret").Build());
        var other = await device.PublishAsync(Message($"{Prefix}/plant-1/area-2/line-3/cell-1/OTHER-ASSET/bearing_vibration_x"));
        var own = await device.PublishAsync(Message(Topic));

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, anonymousResult.ResultCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, other.ReasonCode);
        Assert.True(own.IsSuccess, $"{own.ReasonCode}");
        await h.Store.WaitForCountAsync(1, Patience);
        Assert.Equal(Asset, Assert.Single(h.Store.All).AssetId);
    }

    public void Dispose() => _certificates.Dispose();

    private MqttClientOptionsBuilder Options(MosquittoBroker mosquitto, string clientId) => new MqttClientOptionsBuilder()
        .WithTcpServer(mosquitto.Host, mosquitto.Port)
        .WithClientId(clientId)
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithTlsOptions(tls => tls.UseTls().WithTargetHost("127.0.0.1")
            .WithTrustChain([X509CertificateLoader.LoadCertificateFromFile(_certificates.CaPath)]).WithRevocationMode(X509RevocationMode.NoCheck));

    private static MqttApplicationMessage Message(string topic) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(Envelope(4.2)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();

    /// <summary>
    /// Waits for Threadline's retained online STATE, which it publishes once its subscriptions are in place
    /// (Sparkplug 3.0 §5.3): the moment a device's publish reaches it.
    /// </summary>
    private async Task OnlineStateAsync(MosquittoBroker mosquitto)
    {
        var online = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new MqttClientFactory().CreateMqttClient();
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            if (Encoding.UTF8.GetString(e.ApplicationMessage.Payload).Contains("\"online\":true", StringComparison.Ordinal))
            {
                online.TrySetResult();
            }
            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(Options(mosquitto, "state-watcher").WithCredentials("threadline", "server-secret").Build());
        await watcher.SubscribeAsync("spBv1.0/STATE/#");
        await online.Task.WaitAsync(Patience).ContinueWith(t => Assert.True(t.IsCompletedSuccessfully, $"no online STATE; Mosquitto said: {mosquitto.Log}"), TaskScheduler.Default);
        await watcher.DisconnectAsync();
    }
}
