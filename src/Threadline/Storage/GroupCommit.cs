namespace Threadline.Storage;

/// <summary>
/// Group commit for appends (telemetry points, asset events): whoever holds the write lock writes every batch waiting
/// so far in one transaction, because a commit (WAL flush, round trips) costs as much as a thousand rows. Each caller still returns only after
/// the commit that holds its points, with the counts of its own batch; if that transaction fails, every caller in
/// the group sees the failure.
/// </summary>
internal sealed class GroupCommit<TItem, TResult>(SemaphoreSlim writeLock, int maxItemsPerTransaction,
    Func<IReadOnlyList<IReadOnlyList<TItem>>, CancellationToken, Task<TResult[]>> writeGroup)
{
    private readonly List<Pending> _pending = [];

    public async Task<TResult> AppendAsync(IReadOnlyList<TItem> points, CancellationToken cancellationToken)
    {
        var request = new Pending(points);
        lock (_pending)
        {
            _pending.Add(request);
        }
        try
        {
            await writeLock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            lock (_pending)
            {
                if (_pending.Remove(request))
                {
                    throw;
                }
            }
            // Another caller's transaction already holds these points; its outcome is this call's outcome.
            return await request.Done.Task;
        }
        try
        {
            if (!request.Done.Task.IsCompleted)
            {
                var group = Take();
                try
                {
                    // Not the caller's token: the transaction is shared with callers that did not cancel.
                    var results = await writeGroup([.. group.Select(p => p.Points)], CancellationToken.None);
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Done.TrySetResult(results[i]);
                    }
                }
                catch (Exception ex)
                {
                    foreach (var pending in group)
                    {
                        pending.Done.TrySetException(ex);
                    }
                }
            }
        }
        finally
        {
            writeLock.Release();
        }
        return await request.Done.Task;
    }

    private List<Pending> Take()
    {
        lock (_pending)
        {
            var group = new List<Pending>();
            var points = 0;
            while (_pending.Count > group.Count
                && (group.Count == 0 || points + _pending[group.Count].Points.Count <= maxItemsPerTransaction))
            {
                points += _pending[group.Count].Points.Count;
                group.Add(_pending[group.Count]);
            }
            _pending.RemoveRange(0, group.Count);
            return group;
        }
    }

    private sealed class Pending(IReadOnlyList<TItem> points)
    {
        public IReadOnlyList<TItem> Points { get; } = points;

        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
