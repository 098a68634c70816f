using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion;

/// <summary>Threadline subscribed to a real Mosquitto (Mqtt:Mode = External) with shared subscriptions.</summary>
public class ExternalBrokerTests(MosquittoBroker mosquitto) : IClassFixture<MosquittoBroker>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task PointPublishedToTheExternalBroker_IsStored_AndBadOnesAreDeadLetteredBackToIt()
    {
        var group = NewGroup();
        await using var h = await StartConsumerAsync(group, "tl-a-" + group);
        await using var publisher = await ConnectToMosquittoAsync("pub-" + group);
        var deadLetters = await SubscribeOnMosquittoAsync(publisher.Client, $"{Prefix}/_deadletter/#");

        await PublishAsync(publisher.Client, Topic, Envelope(4.2, seq: 1));
        await PublishAsync(publisher.Client, Topic, "{oops");

        await h.Store.WaitForCountAsync(1, Patience);
        Assert.Equal(4.2, Assert.Single(h.Store.All).Value);
        var dead = await deadLetters.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal($"{Prefix}/_deadletter/malformed-json/{Topic}", dead.Topic);
        Assert.Equal("{oops", Encoding.UTF8.GetString(dead.Payload));
    }

    [Fact]
    public async Task TwoConsumersInOneSharedGroup_SplitTheStream_EachPointStoredOnce()
    {
        const int points = 200;
        var group = NewGroup();
        var store = new InMemoryTelemetryStore();
        await using var a = await StartConsumerAsync(group, "tl-a-" + group, store);
        await using var b = await StartConsumerAsync(group, "tl-b-" + group, store);
        await using var publisher = await ConnectToMosquittoAsync("pub-" + group);

        for (var i = 0; i < points; i++)
        {
            await PublishAsync(publisher.Client, Topic, Envelope(i, at: $"2026-03-14T08:{i / 60:00}:{i % 60:00}Z", seq: i));
        }

        await store.WaitForCountAsync(points, Patience);
        Assert.Equal(points, store.AppendOrder.Count);
        var (storedByA, storedByB) = (a.Stats.Stored, b.Stats.Stored);
        Assert.True(storedByA > 0 && storedByB > 0, $"one consumer took everything: A stored {storedByA}, B {storedByB}");
        Assert.Equal(points, storedByA + storedByB);
        Assert.Equal(0, a.Stats.Duplicate + b.Stats.Duplicate);
    }

    [Fact]
    public async Task MessageHeldByTheStore_IsNotAcknowledged_SoTheBrokerRedeliversIt()
    {
        var group = NewGroup();
        var clientId = "tl-a-" + group;
        var store = new InMemoryTelemetryStore();
        var gate = new TaskCompletionSource();
        store.AppendEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Gate = gate.Task;
        await using var h = await StartConsumerAsync(group, clientId, store);
        await using var publisher = await ConnectToMosquittoAsync("pub-" + group);

        await PublishAsync(publisher.Client, Topic, Envelope(4.2, seq: 1));
        await store.AppendEntered.Task.WaitAsync(Patience);

        // Take the session over: the broker resends what the previous connection received but did not acknowledge.
        var redelivered = Channel.CreateUnbounded<MqttApplicationMessage>();
        using var successor = new MqttClientFactory().CreateMqttClient();
        successor.ApplicationMessageReceivedAsync += e =>
        {
            redelivered.Writer.TryWrite(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await successor.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(mosquitto.Host, mosquitto.Port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(60).Build());

        // The session also holds the host's own Sparkplug STATE (its shared subscription covers spBv1.0/#); on a
        // loaded machine that acknowledgement may still be in flight at the takeover and come back first.
        var message = await redelivered.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        while (message.Topic != Topic)
        {
            Assert.StartsWith(SparkplugIngestion.TopicPrefix, message.Topic);
            message = await redelivered.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        }
        await successor.DisconnectAsync();
    }

    [Fact]
    public async Task DroppedConnection_IsReestablishedAndResubscribed()
    {
        var group = NewGroup();
        var clientId = "tl-a-" + group;
        await using var h = await StartConsumerAsync(group, clientId);
        var consumer = h.Server.Services.GetRequiredService<ExternalBrokerConsumer>();
        await using var publisher = await ConnectToMosquittoAsync("pub-" + group);

        // A client with the same id and a clean start takes the connection and discards the session.
        using (var usurper = new MqttClientFactory().CreateMqttClient())
        {
            await usurper.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(mosquitto.Host, mosquitto.Port).WithClientId(clientId)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(true).Build());
            await WaitUntilAsync(() => !consumer.IsConnected, "the consumer noticed the takeover");
            await usurper.DisconnectAsync();
        }
        await WaitUntilAsync(() =>
        {
            // The reconnection delay runs on the server's fake clock.
            h.Server.Time.Advance(TimeSpan.FromSeconds(2));
            return consumer.Connections >= 2 && consumer.IsConnected;
        }, "the consumer reconnected");
        await PublishAsync(publisher.Client, Topic, Envelope(5.0, seq: 2));

        await h.Store.WaitForCountAsync(1, Patience);
    }

    private static string NewGroup() => "g" + Guid.NewGuid().ToString("N")[..10];

    private async Task<IngestionHarness> StartConsumerAsync(string group, string clientId, InMemoryTelemetryStore? store = null)
    {
        var h = await IngestionHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Mqtt:Mode"] = "External",
            ["Mqtt:External:Host"] = mosquitto.Host,
            ["Mqtt:External:Port"] = mosquitto.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mqtt:External:ClientId"] = clientId,
            ["Mqtt:External:SharedGroup"] = group,
            ["Mqtt:External:SessionExpirySeconds"] = "60",
        }, store);
        var consumer = h.Server.Services.GetRequiredService<ExternalBrokerConsumer>();
        await WaitUntilAsync(() => consumer.Connections >= 1, $"{clientId} subscribed to Mosquitto");
        return h;
    }

    private async Task<MosquittoClient> ConnectToMosquittoAsync(string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(mosquitto.Host, mosquitto.Port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500).Build());
        return new MosquittoClient(client);
    }

    private static async Task<ChannelReader<MqttApplicationMessage>> SubscribeOnMosquittoAsync(IMqttClient client, string filter)
    {
        var received = Channel.CreateUnbounded<MqttApplicationMessage>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (MqttTopicFilterComparer.Compare(e.ApplicationMessage.Topic, filter) == MqttTopicFilterCompareResult.IsMatch)
            {
                received.Writer.TryWrite(e.ApplicationMessage);
            }
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(filter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        return received.Reader;
    }

    private async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        // Mosquitto is a real process with its own timing: poll with a bound instead of guessing a delay.
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
            {
                throw new TimeoutException($"Timed out waiting until {what}. Mosquitto log:\n{mosquitto.Log}");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>An MQTT client of the Mosquitto under test, disconnected at the end of the test.</summary>
    private sealed class MosquittoClient(IMqttClient client) : IAsyncDisposable
    {
        public IMqttClient Client { get; } = client;

        public async ValueTask DisposeAsync()
        {
            if (Client.IsConnected)
            {
                await Client.DisconnectAsync();
            }
            Client.Dispose();
        }
    }
}
