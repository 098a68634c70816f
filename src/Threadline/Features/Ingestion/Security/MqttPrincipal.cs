namespace Threadline.Features.Ingestion.Security;

/// <summary>What kind of party an MQTT connection of the embedded broker speaks for.</summary>
public enum MqttPrincipalKind
{
    /// <summary>Threadline itself: its in-process clients (demo simulator) and the messages it injects (dead letters, twins, Sparkplug commands).</summary>
    Server,

    /// <summary>The IoT device of one asset: publishes under that asset's UNS branch only.</summary>
    AssetDevice,

    /// <summary>A Sparkplug B edge node: publishes its own group and node's messages only.</summary>
    EdgeNode,

    /// <summary>A client without a credential, admitted only with Mqtt:AllowAnonymous=true, with Threadline's own rights.</summary>
    Anonymous,
}

/// <summary>
/// Who is on the other end of an MQTT connection, settled once at CONNECT. <see cref="AssetId"/> is set for an
/// <see cref="MqttPrincipalKind.AssetDevice"/>, <see cref="Group"/> and <see cref="Node"/> for an edge node.
/// </summary>
public sealed record MqttPrincipal(MqttPrincipalKind Kind, string Name, string? AssetId = null, string? Group = null, string? Node = null)
{
    public static readonly MqttPrincipal Server = new(MqttPrincipalKind.Server, "threadline");

    public static readonly MqttPrincipal Anonymous = new(MqttPrincipalKind.Anonymous, "anonymous");

    public static MqttPrincipal ForAsset(string assetId) => new(MqttPrincipalKind.AssetDevice, assetId, AssetId: assetId);

    /// <summary>An edge node's name is "{group}/{node}", which no asset id can be (a UNS level holds no '/').</summary>
    public static MqttPrincipal ForEdgeNode(string group, string node) => new(MqttPrincipalKind.EdgeNode, $"{group}/{node}", Group: group, Node: node);

    /// <summary>Threadline's own rights: any topic, any subscription.</summary>
    public bool IsTrusted => Kind is MqttPrincipalKind.Server or MqttPrincipalKind.Anonymous;
}
