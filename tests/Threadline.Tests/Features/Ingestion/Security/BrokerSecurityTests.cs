using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion.Security;

/// <summary>Who may connect to the embedded broker and what each may publish and subscribe, with real MQTTnet clients.</summary>
public class BrokerSecurityTests
{
    private const string OtherAsset = "PUMP-4720-SN00342-R01";
    private const string OtherTopic = $"{Prefix}/plant-1/area-2/line-3/cell-1/{OtherAsset}/bearing_vibration_x";

    [Fact]
    public async Task AnonymousConnect_IsRefusedByDefault()
    {
        await using var h = await IngestionHarness.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", h.BrokerPort).WithClientId("anonymous").Build());

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task AnonymousConnect_WithAllowAnonymous_IsAccepted()
    {
        await using var h = await IngestionHarness.StartAsync(new Dictionary<string, string?> { ["Mqtt:AllowAnonymous"] = "true" });
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", h.BrokerPort).WithClientId("anonymous").Build());

        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        await PublishAsync(client, Topic, Envelope(1.0));
        Assert.Single(h.Store.All);
    }

    [Fact]
    public async Task AllowAnonymous_IsLoggedAsAWarningAtStart()
    {
        var log = new RecordingLoggerProvider();

        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Mqtt:AllowAnonymous"] = "true" },
            services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(log));

        Assert.Contains(log.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("Mqtt:AllowAnonymous is true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongPassword_IsRefused()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var issued = await IssueAsync(h, $"/api/assets/{Asset}/device-credentials");
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", h.BrokerPort)
            .WithClientId("dev-341").WithCredentials(issued.Username, issued.Password + "x").Build());

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task DeviceOfAssetA_PublishingUnderAssetB_IsRefusedAndCounted()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var device = await ConnectDeviceAsync(h, await IssueAsync(h, $"/api/assets/{Asset}/device-credentials"), "dev-341");

        var refused = await device.PublishAsync(Message(OtherTopic, Envelope(4.2)));
        var accepted = await device.PublishAsync(Message(Topic, Envelope(4.3)));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.True(accepted.IsSuccess);
        Assert.Equal(Asset, Assert.Single(h.Store.All).AssetId);
        Assert.Equal(1, h.Stats.Refused[RefusalReasons.TopicNotOwned]);
    }

    [Fact]
    public async Task DeviceOverwritingItsTwinBranch_IsRefused()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var device = await ConnectDeviceAsync(h, await IssueAsync(h, $"/api/assets/{Asset}/device-credentials"), "dev-341");

        var result = await device.PublishAsync(Message($"{Prefix}/plant-1/area-2/line-3/cell-1/{Asset}/_twin/health_score", "100"));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, result.ReasonCode);
        Assert.Equal(1, h.Stats.Refused[RefusalReasons.ReservedBranch]);
    }

    [Fact]
    public async Task EdgeNodePublishingNcmd_IsRefused_AndItsOwnNdataIsNot()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var node = await ConnectDeviceAsync(h, await IssueAsync(h, "/api/edge-nodes/plant1/edge1/credentials"), "edge1");

        var command = await node.PublishAsync(Message("spBv1.0/plant1/NCMD/edge1", "x"));
        var otherNode = await node.PublishAsync(Message("spBv1.0/plant1/NDATA/edge2", "x"));
        var own = await node.PublishAsync(Message("spBv1.0/plant1/NDEATH/edge1", "x", MqttQualityOfServiceLevel.AtMostOnce));

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, command.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, otherNode.ReasonCode);
        Assert.True(own.IsSuccess);
        Assert.Equal(1, h.Stats.Refused[RefusalReasons.ReservedBranch]);
        Assert.Equal(1, h.Stats.Refused[RefusalReasons.TopicNotOwned]);
    }

    [Fact]
    public async Task DeviceSubscribingToEverything_IsRefused_AndAnEdgeNodeMayReadItsOwnCommands()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var device = await ConnectDeviceAsync(h, await IssueAsync(h, $"/api/assets/{Asset}/device-credentials"), "dev-341");
        var node = await ConnectDeviceAsync(h, await IssueAsync(h, "/api/edge-nodes/plant1/edge1/credentials"), "edge1");

        var all = await device.SubscribeAsync("#");
        var commands = await node.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("spBv1.0/plant1/NCMD/edge1").WithTopicFilter("spBv1.0/plant1/DCMD/edge1/+").WithTopicFilter("spBv1.0/STATE/threadline")
            .WithTopicFilter("spBv1.0/plant1/NCMD/edge2").Build());

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, Assert.Single(all.Items).ResultCode);
        Assert.Equal(
            [MqttClientSubscribeResultCode.GrantedQoS0, MqttClientSubscribeResultCode.GrantedQoS0, MqttClientSubscribeResultCode.GrantedQoS0, MqttClientSubscribeResultCode.NotAuthorized],
            commands.Items.Select(i => i.ResultCode));
        Assert.Equal(2, h.Stats.Refused[RefusalReasons.SubscribeNotAllowed]);
    }

    [Fact]
    public async Task RevokedCredential_ClosesItsSession_AndIsRefusedAtTheNextConnect()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var issued = await IssueAsync(h, $"/api/assets/{Asset}/device-credentials");
        var device = await ConnectDeviceAsync(h, issued, "dev-341");
        var disconnected = new TaskCompletionSource<MqttClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        device.DisconnectedAsync += e =>
        {
            disconnected.TrySetResult(e.Reason);
            return Task.CompletedTask;
        };

        var revoked = await h.Server.Client.DeleteAsync($"/api/assets/{Asset}/device-credentials");

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(MqttClientDisconnectReason.NotAuthorized, await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        using var again = new MqttClientFactory().CreateMqttClient();
        var result = await again.ConnectAsync(DeviceOptions(h, issued, "dev-341").Build());
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result.ResultCode);
    }

    [Fact]
    public async Task RotatedCredential_ReplacesTheOldPassword()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var first = await IssueAsync(h, $"/api/assets/{Asset}/device-credentials");
        var second = await IssueAsync(h, $"/api/assets/{Asset}/device-credentials");
        using var old = new MqttClientFactory().CreateMqttClient();

        var oldResult = await old.ConnectAsync(DeviceOptions(h, first, "dev-341").Build());
        var device = await ConnectDeviceAsync(h, second, "dev-341");

        Assert.Equal(first.Username, second.Username);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, oldResult.ResultCode);
        Assert.True(device.IsConnected);
    }

    [Fact]
    public async Task CredentialForAnUnknownAsset_IsNotFound()
    {
        await using var h = await StartWithTwoAssetsAsync();

        var response = await h.Server.PostAsync("/api/assets/NO-SUCH-ASSET/device-credentials", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RepeatedViolations_CloseTheConnection()
    {
        await using var h = await StartWithTwoAssetsAsync(new Dictionary<string, string?> { ["Mqtt:MaxViolations"] = "3" });
        var device = await ConnectDeviceAsync(h, await IssueAsync(h, $"/api/assets/{Asset}/device-credentials"), "dev-341");
        var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        device.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };

        for (var i = 0; i < 3; i++)
        {
            // QoS 0: no acknowledgement to wait for on a connection the broker is about to close.
            await device.PublishAsync(Message(OtherTopic, Envelope(i), MqttQualityOfServiceLevel.AtMostOnce));
        }

        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, h.Stats.Refused[RefusalReasons.TopicNotOwned]);
    }

    [Fact]
    public async Task PublishesAboveTheRateLimit_AreDroppedAndCounted_UntilTimeRefillsTheBucket()
    {
        await using var h = await StartWithTwoAssetsAsync(new Dictionary<string, string?> { ["Mqtt:PublishRatePerSecond"] = "1", ["Mqtt:PublishBurst"] = "2" });
        var device = await ConnectDeviceAsync(h, await IssueAsync(h, $"/api/assets/{Asset}/device-credentials"), "dev-341");

        var results = new List<MqttClientPublishResult>();
        for (var i = 0; i < 3; i++)
        {
            results.Add(await device.PublishAsync(Message(Topic, Envelope(i, at: $"2026-03-14T08:30:0{i}Z"))));
        }
        h.Server.Time.Advance(TimeSpan.FromSeconds(1));
        results.Add(await device.PublishAsync(Message(Topic, Envelope(9, at: "2026-03-14T08:30:09Z"))));

        Assert.Equal([true, true, false, true], results.Select(r => r.IsSuccess));
        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, results[2].ReasonCode);
        Assert.Equal(3, h.Store.Count);
        Assert.Equal(1, h.Stats.Refused[RefusalReasons.RateLimited]);
    }

    [Fact]
    public async Task DeviceTakingThreadlinesClientId_IsRefused()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var issued = await IssueAsync(h, $"/api/assets/{Asset}/device-credentials");
        using var client = new MqttClientFactory().CreateMqttClient();

        var result = await client.ConnectAsync(DeviceOptions(h, issued, EmbeddedBroker.ServerClientId).Build());

        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, result.ResultCode);
    }

    [Fact]
    public async Task DeviceTakingAnotherDevicesClientId_IsRefused_AndTheOtherStaysConnected()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var first = await ConnectDeviceAsync(h, await IssueAsync(h, $"/api/assets/{Asset}/device-credentials"), "shared-id");
        var other = await IssueAsync(h, $"/api/assets/{OtherAsset}/device-credentials");
        using var usurper = new MqttClientFactory().CreateMqttClient();

        var result = await usurper.ConnectAsync(DeviceOptions(h, other, "shared-id").Build());

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
        Assert.True((await first.PublishAsync(Message(Topic, Envelope(1)))).IsSuccess);
    }

    [Fact]
    public async Task BoundToIpv4Loopback_NothingListensOnIpv6()
    {
        await using var h = await IngestionHarness.StartAsync(new Dictionary<string, string?> { ["Mqtt:BindAddress"] = "127.0.0.1" });
        using var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);

        var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.IPv6Loopback, h.BrokerPort)));

        Assert.Contains(refused.SocketErrorCode, new[] { SocketError.ConnectionRefused, SocketError.AddressNotAvailable, SocketError.NetworkUnreachable, SocketError.AddressFamilyNotSupported });
    }

    [Fact]
    public async Task MosquittoPubWithoutAClientId_IsAssignedOne_OverMqtt311()
    {
        await using var h = await StartWithTwoAssetsAsync();
        var issued = await IssueAsync(h, $"/api/assets/{Asset}/device-credentials");
        Assert.True(File.Exists("/usr/bin/mosquitto_pub"), "mosquitto_pub (Debian package mosquitto-clients) is missing; test.sh installs it");

        using var process = Process.Start(new ProcessStartInfo("/usr/bin/mosquitto_pub",
            ["-h", "127.0.0.1", "-p", h.BrokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv311", "-q", "1",
             "-u", issued.Username, "-P", issued.Password, "-t", Topic, "-m", Envelope(2.5)])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"mosquitto_pub exited {process.ExitCode}: {errors}");
        Assert.Equal(2.5, Assert.Single(h.Store.All).Value);
    }

    private static Task<IngestionHarness> StartWithTwoAssetsAsync(IDictionary<string, string?>? settings = null) =>
        IngestionHarness.StartAsync(settings, assets: new Testing.InMemoryAssets().Add(Pump()).Add(Pump(OtherAsset, "dev-342")));

    internal static async Task<DeviceCredential> IssueAsync(IngestionHarness h, string url)
    {
        var body = await ThreadlineTestServer.ExpectSuccess(await h.Server.PostAsync(url, null));
        return new DeviceCredential(body.GetProperty("username").GetString()!, body.GetProperty("password").GetString()!);
    }

    private static MqttClientOptionsBuilder DeviceOptions(IngestionHarness h, DeviceCredential credential, string clientId) =>
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", h.BrokerPort).WithClientId(clientId)
            .WithCredentials(credential.Username, credential.Password).WithProtocolVersion(MqttProtocolVersion.V500);

    private static async Task<IMqttClient> ConnectDeviceAsync(IngestionHarness h, DeviceCredential credential, string clientId)
    {
        var client = h.Track(new MqttClientFactory().CreateMqttClient());
        var result = await client.ConnectAsync(DeviceOptions(h, credential, clientId).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private static MqttApplicationMessage Message(string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(qos).Build();
}
