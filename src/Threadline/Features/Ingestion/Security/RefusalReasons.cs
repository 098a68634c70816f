namespace Threadline.Features.Ingestion.Security;

/// <summary>Why the embedded broker refused a publish or a subscription; each is a key of "refused" in /api/ingest/stats.</summary>
public static class RefusalReasons
{
    /// <summary>A device published outside its own asset's UNS branch, or an edge node outside its own group and node.</summary>
    public const string TopicNotOwned = "topic-not-owned";

    /// <summary>A topic only Threadline publishes: _twin, _deadletter, _quarantine, Sparkplug NCMD, DCMD and STATE.</summary>
    public const string ReservedBranch = "reserved-branch";

    /// <summary>A subscription the principal may not hold (devices read nothing but an edge node's own commands and the host's STATE).</summary>
    public const string SubscribeNotAllowed = "subscribe-not-allowed";

    /// <summary>A publish above Mqtt:PublishRatePerSecond (with Mqtt:PublishBurst).</summary>
    public const string RateLimited = "rate-limited";
}
