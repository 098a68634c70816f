using Threadline.Testing;
using static Threadline.Features.Ingestion.IngestionHarness;

namespace Threadline.Features.Ingestion;

/// <summary>Ingestion:AcknowledgeAfter=Journal, the product default: a QoS 1 publish is acknowledged once its point is on file in the intake journal.</summary>
public sealed class JournalAcknowledgementTests
{
    // The writer's linger before an append is server time, which the test server freezes; these tests are about the
    // acknowledgement, so they append at once (the crash test runs the linger on a real clock).
    private static readonly Dictionary<string, string?> Journal = new() { ["Ingestion:AcknowledgeAfter"] = "Journal", ["Ingestion:BatchLingerMilliseconds"] = "0" };

    [Fact]
    public async Task Qos1Publish_IsAcknowledgedFromTheJournal_BeforeTheStoreHasIt()
    {
        var gate = new TaskCompletionSource();
        var store = new InMemoryTelemetryStore { Gate = gate.Task };
        await using var h = await StartAsync(Journal, store);
        var journal = h.Server.Services.GetRequiredService<TelemetryWriter>().Journal!;
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.2, seq: 1));

        Assert.Equal(0, store.Count);
        var segment = Assert.Single(Directory.GetFiles(journal.Folder));
        Assert.True(new FileInfo(segment).Length > 0, "the acknowledged point is not on file");
        gate.SetResult();
        await store.WaitForCountAsync(1);
    }

    [Fact]
    public async Task CleanShutdown_StoresEverythingAndLeavesNoJournal()
    {
        var gate = new TaskCompletionSource();
        var store = new InMemoryTelemetryStore { Gate = gate.Task };
        var h = await StartAsync(Journal, store);
        var folder = h.Server.Services.GetRequiredService<TelemetryWriter>().Journal!.Folder;
        var device = await h.ConnectAsync("dev-341");
        for (var i = 0; i < 5; i++)
        {
            await PublishAsync(device, Topic, Envelope(i, at: $"2026-03-14T08:30:0{i}Z", seq: i));
        }

        gate.SetResult();
        // The host stops the writer after the broker; the test server would then delete the data folder, so stop it here.
        await h.Server.Services.GetRequiredService<TelemetryWriter>().StopAsync(CancellationToken.None);

        Assert.Equal(5, store.Count);
        Assert.Empty(Directory.GetFiles(folder));
        await h.DisposeAsync();
    }

    [Fact]
    public async Task StopWhileABatchWaitsForMore_AppendsItAtOnce()
    {
        // The default 50 ms linger on a frozen clock: the batch would wait for ever, so only the stop can release it.
        var store = new InMemoryTelemetryStore();
        var h = await StartAsync(new Dictionary<string, string?> { ["Ingestion:AcknowledgeAfter"] = "Journal" }, store);
        var device = await h.ConnectAsync("dev-341");
        await PublishAsync(device, Topic, Envelope(4.2, seq: 1));

        await h.Server.Services.GetRequiredService<TelemetryWriter>().StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, store.Count);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task StoreFailure_AfterTheAcknowledgement_IsRetriedUntilStored()
    {
        var store = new InMemoryTelemetryStore { FailNext = new IOException("disk full"), AppendEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var h = await StartAsync(Journal, store);
        var device = await h.ConnectAsync("dev-341");

        await PublishAsync(device, Topic, Envelope(4.2, seq: 1));
        await store.AppendEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, store.Count);

        // The writer counts the failure once its 100 ms (server time) wait before the retry is set.
        Assert.True(SpinWait.SpinUntil(() => h.Stats.StoreFailures == 1, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, store.Count);
        h.Server.Time.Advance(TimeSpan.FromMilliseconds(100));
        await store.WaitForCountAsync(1);
        Assert.Equal(1, h.Stats.StoreFailures);
        Assert.Equal(1, h.Stats.Stored);
    }
}
