using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion.Security;

/// <summary>MQTT over TLS on the embedded broker, with certificates made in the test.</summary>
public sealed class MqttTlsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task ClientCertificateSignedByTheDeviceCa_ConnectsAsTheAssetOfItsDeviceId()
    {
        await using var h = await StartAsync();
        using var certificate = _certificates.Client("dev-341");
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(TlsOptions(h, certificate).Build());
        var own = await client.PublishAsync(Message(Topic));
        var other = await client.PublishAsync(Message($"{Prefix}/plant-1/OTHER-ASSET/bearing_vibration_x"));

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.True(own.IsSuccess);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, other.ReasonCode);
        Assert.Equal(Asset, Assert.Single(h.Store.All).AssetId);
    }

    [Fact]
    public async Task ClientCertificateNamingAnEdgeNode_ConnectsAsThatNode()
    {
        await using var h = await StartAsync();
        using var certificate = _certificates.Client("plant1/edge1");
        using var client = new MqttClientFactory().CreateMqttClient();

        await client.ConnectAsync(TlsOptions(h, certificate).Build());
        var own = await client.PublishAsync(Message("spBv1.0/plant1/NDEATH/edge1"));
        var command = await client.PublishAsync(Message("spBv1.0/plant1/NCMD/edge1"));

        Assert.True(own.IsSuccess);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, command.ReasonCode);
    }

    [Fact]
    public async Task UntrustedClientCertificate_IsRefusedAtTheHandshake()
    {
        await using var h = await StartAsync();
        using var certificate = TestCertificates.Untrusted("dev-341");
        using var client = new MqttClientFactory().CreateMqttClient();

        await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(TlsOptions(h, certificate).Build()));

        Assert.False(client.IsConnected);
        Assert.Empty(h.Store.All);
    }

    [Fact]
    public async Task TlsWithoutClientCertificate_AuthenticatesWithTheServersOwnCredential_AndPlainMqttCanBeOff()
    {
        await using var h = await StartAsync(new Dictionary<string, string?> { ["Mqtt:PlainEnabled"] = "false" });
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(h.Server.MqttClientOptions("tls-server-client")
            .WithTcpServer("127.0.0.1", h.Server.Services.GetRequiredService<EmbeddedBroker>().TlsPort)
            .WithTlsOptions(tls => tls.UseTls().WithTargetHost("127.0.0.1").WithTrustChain([X509CertificateLoader.LoadCertificateFromFile(_certificates.CaPath)])
                .WithRevocationMode(X509RevocationMode.NoCheck))
            .Build());

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        Assert.Equal(0, h.BrokerPort);
    }

    public void Dispose() => _certificates.Dispose();

    private Task<IngestionHarness> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Tls:Enabled"] = "true",
            ["Mqtt:Tls:Port"] = "0",
            ["Mqtt:Tls:CertificatePath"] = _certificates.ServerCertificatePath,
            ["Mqtt:Tls:CertificateKeyPath"] = _certificates.ServerKeyPath,
            ["Mqtt:Tls:ClientCaPath"] = _certificates.CaPath,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return IngestionHarness.StartAsync(settings);
    }

    private MqttClientOptionsBuilder TlsOptions(IngestionHarness h, X509Certificate2 certificate) => new MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", h.Server.Services.GetRequiredService<EmbeddedBroker>().TlsPort)
        .WithClientId("tls-device")
        .WithProtocolVersion(MqttProtocolVersion.V500)
        .WithTlsOptions(tls => tls.UseTls().WithTargetHost("127.0.0.1")
            .WithTrustChain([X509CertificateLoader.LoadCertificateFromFile(_certificates.CaPath)])
            .WithRevocationMode(X509RevocationMode.NoCheck)
            .WithClientCertificates([certificate]));

    private static MqttApplicationMessage Message(string topic) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(Envelope(4.2)))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
