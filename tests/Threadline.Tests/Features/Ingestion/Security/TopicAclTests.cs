namespace Threadline.Features.Ingestion.Security;

/// <summary>The topic rules alone, without a broker.</summary>
public class TopicAclTests
{
    private static readonly MqttPrincipal Device = MqttPrincipal.ForAsset("PUMP-1");
    private static readonly MqttPrincipal Node = MqttPrincipal.ForEdgeNode("plant1", "edge1");

    [Theory]
    [InlineData("acme/emea/plant-1/PUMP-1/flow", "acme/emea", null)]
    [InlineData("acme/emea/plant-1/PUMP-1/_twin/health_score", "acme/emea", RefusalReasons.ReservedBranch)]
    [InlineData("acme/emea/_deadletter/x/PUMP-1/flow", "acme/emea", RefusalReasons.ReservedBranch)]
    [InlineData("acme/emea/plant-1/PUMP-2/flow", "acme/emea", RefusalReasons.TopicNotOwned)]
    [InlineData("other/plant-1/PUMP-1/flow", "acme", RefusalReasons.TopicNotOwned)]
    [InlineData("spBv1.0/plant1/NDATA/edge1", "acme", RefusalReasons.TopicNotOwned)]
    [InlineData("spBv1.0/STATE/threadline", "acme", RefusalReasons.ReservedBranch)]
    public void AssetDevice_PublishesOnlyUnderItsOwnAsset(string topic, string prefix, string? refusal) =>
        Assert.Equal(refusal, TopicAcl.RefusePublish(Device, topic, prefix));

    [Theory]
    [InlineData("spBv1.0/plant1/NBIRTH/edge1", null)]
    [InlineData("spBv1.0/plant1/DDATA/edge1/pump-1", null)]
    [InlineData("spBv1.0/plant1/DDATA/edge1", RefusalReasons.TopicNotOwned)]
    [InlineData("spBv1.0/plant1/NDATA/edge1/pump-1", RefusalReasons.TopicNotOwned)]
    [InlineData("spBv1.0/plant2/NDATA/edge1", RefusalReasons.TopicNotOwned)]
    [InlineData("spBv1.0/plant1/DCMD/edge1/pump-1", RefusalReasons.ReservedBranch)]
    [InlineData("acme/plant-1/PUMP-1/flow", RefusalReasons.TopicNotOwned)]
    public void EdgeNode_PublishesOnlyItsOwnNodesMessages(string topic, string? refusal) =>
        Assert.Equal(refusal, TopicAcl.RefusePublish(Node, topic, "acme"));

    [Theory]
    [InlineData("spBv1.0/plant1/NCMD/edge1", true)]
    [InlineData("spBv1.0/plant1/DCMD/edge1/#", true)]
    [InlineData("spBv1.0/STATE/threadline", true)]
    [InlineData("spBv1.0/plant1/DCMD/edge1/pump-1/x", false)]
    [InlineData("spBv1.0/plant1/#", false)]
    [InlineData("spBv1.0/STATE/other-host", false)]
    [InlineData("#", false)]
    public void EdgeNode_SubscribesOnlyToItsCommandsAndTheHostState(string filter, bool allowed) =>
        Assert.Equal(allowed, TopicAcl.MaySubscribe(Node, filter, "threadline"));
}
