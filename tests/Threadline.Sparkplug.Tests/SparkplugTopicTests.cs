namespace Threadline.Sparkplug;

public sealed class SparkplugTopicTests
{
    [Theory]
    [InlineData("spBv1.0/plant1/NBIRTH/edge1")]
    [InlineData("spBv1.0/plant1/DDATA/edge1/pump-1")]
    [InlineData("spBv1.0/plant1/NCMD/edge1")]
    [InlineData("spBv1.0/STATE/threadline")]
    public void ParsedTopic_FormatsBackToTheSameString(string topic)
    {
        Assert.True(SparkplugTopic.TryParse(topic, out var parsed, out var error));

        Assert.Null(error);
        Assert.Equal(topic, parsed!.ToString());
    }

    [Fact]
    public void DeviceTopic_NamesGroupTypeEdgeNodeAndDevice()
    {
        Assert.True(SparkplugTopic.TryParse("spBv1.0/plant1/DBIRTH/edge1/pump-1", out var parsed, out _));

        Assert.Equal(new SparkplugTopic(SparkplugMessageType.DBirth, "plant1", "edge1", "pump-1"), parsed);
    }
}
