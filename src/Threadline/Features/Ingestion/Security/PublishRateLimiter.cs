namespace Threadline.Features.Ingestion.Security;

/// <summary>
/// A token bucket for one client's publishes: <c>ratePerSecond</c> tokens a second, at most <c>burst</c> saved up.
/// Read on the server's <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed class PublishRateLimiter(TimeProvider time, int ratePerSecond, int burst)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        lock (this)
        {
            var now = time.GetTimestamp();
            _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * ratePerSecond));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            return true;
        }
    }
}
