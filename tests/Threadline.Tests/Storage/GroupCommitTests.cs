using Threadline.Features.Telemetry;
using Threadline.Telemetry;

namespace Threadline.Storage;

/// <summary>Batches that wait for the writer go into its next transaction together, and share its outcome.</summary>
public sealed class GroupCommitTests
{
    private static TelemetryPoint[] Batch(int size) =>
        [.. Enumerable.Range(0, size).Select(i => new TelemetryPoint("A", "s", DateTimeOffset.UnixEpoch.AddSeconds(i), i, null, TelemetryQuality.Good, "x"))];

    [Fact]
    public async Task BatchesWaitingWhileATransactionRuns_AreWrittenTogetherNext()
    {
        using var writeLock = new SemaphoreSlim(1, 1);
        var firstStarted = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var groups = new List<int[]>();
        var commit = new GroupCommit<TelemetryPoint, AppendResult>(writeLock, 10_000, async (group, _) =>
        {
            groups.Add([.. group.Select(g => g.Count)]);
            if (groups.Count == 1)
            {
                firstStarted.SetResult();
                await releaseFirst.Task;
            }
            return [.. group.Select(g => new AppendResult(g.Count, 0, 0))];
        });

        var first = commit.AppendAsync(Batch(1), default);
        await firstStarted.Task;
        var second = commit.AppendAsync(Batch(2), default);
        var third = commit.AppendAsync(Batch(3), default);
        releaseFirst.SetResult();

        Assert.Equal(new AppendResult(1, 0, 0), await first);
        Assert.Equal(new AppendResult(2, 0, 0), await second);
        Assert.Equal(new AppendResult(3, 0, 0), await third);
        Assert.Equal([[1], [2, 3]], groups);
    }

    [Fact]
    public async Task FailedTransaction_FailsEveryCallerInIt()
    {
        using var writeLock = new SemaphoreSlim(1, 1);
        await writeLock.WaitAsync();
        var commit = new GroupCommit<TelemetryPoint, AppendResult>(writeLock, 10_000, (_, _) => throw new InvalidOperationException("disk full"));

        var first = commit.AppendAsync(Batch(1), default);
        var second = commit.AppendAsync(Batch(1), default);
        writeLock.Release();

        Assert.Equal("disk full", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("disk full", (await Assert.ThrowsAsync<InvalidOperationException>(() => second)).Message);
    }

    [Fact]
    public async Task CallerCancelledBeforeItsTransaction_IsNotWritten()
    {
        using var writeLock = new SemaphoreSlim(1, 1);
        await writeLock.WaitAsync();
        var written = new List<int>();
        var commit = new GroupCommit<TelemetryPoint, AppendResult>(writeLock, 10_000, (group, _) =>
        {
            written.AddRange(group.Select(g => g.Count));
            return Task.FromResult<AppendResult[]>([.. group.Select(g => new AppendResult(g.Count, 0, 0))]);
        });
        using var cancel = new CancellationTokenSource();

        var cancelled = commit.AppendAsync(Batch(5), cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        writeLock.Release();
        await commit.AppendAsync(Batch(2), default);

        Assert.Equal([2], written);
    }
}
