namespace Threadline.Features.Ingestion;

public class UnsTopicTests
{
    [Theory]
    [InlineData("acme/plant-1/area-2/line-3/cell-1/PUMP-1/bearing_vibration_x", "PUMP-1", "bearing_vibration_x")]
    [InlineData("acme/PUMP-1/temp", "PUMP-1", "temp")]
    public void TopicUnderThePrefix_GivesTheLastTwoLevels(string topic, string asset, string signal)
    {
        Assert.True(UnsTopic.TryParse(topic, "acme", out var parsed, out var reason));
        Assert.Equal((asset, signal), (parsed.AssetId, parsed.Signal));
        Assert.Null(reason);
    }

    [Theory]
    [InlineData("other/PUMP-1/temp")]
    [InlineData("acmeco/PUMP-1/temp")]
    [InlineData("acme/_deadletter/malformed-json/acme/PUMP-1/temp")]
    [InlineData("acme/_quarantine/acme/PUMP-1/temp")]
    public void TopicOutsideTheNamespaceOrReserved_IsNotOurs(string topic)
    {
        Assert.False(UnsTopic.TryParse(topic, "acme", out _, out var reason));
        Assert.Null(reason);
    }

    [Theory]
    [InlineData("acme/PUMP-1")]
    [InlineData("acme/PUMP-1/")]
    [InlineData("acme//temp")]
    public void TopicInTheNamespaceWithoutAssetAndSignal_IsABadTopic(string topic)
    {
        Assert.False(UnsTopic.TryParse(topic, "acme", out _, out var reason));
        Assert.Equal(DeadLetterReasons.BadTopic, reason);
    }
}
