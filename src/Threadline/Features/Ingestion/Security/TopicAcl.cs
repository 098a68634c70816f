namespace Threadline.Features.Ingestion.Security;

/// <summary>
/// The embedded broker's topic rules. A device publishes only UNS topics whose asset level is its own asset
/// ({prefix}/{site path}/{assetId}/{signal}); an edge node only spBv1.0/{group}/{N|D}{BIRTH|DATA|DEATH}/{node}[/{device}]
/// of its own group and node. Threadline's own branches (any level starting with '_' under the prefix: _twin,
/// _deadletter, _quarantine) and the Sparkplug host's NCMD, DCMD and STATE are Threadline's alone. A device subscribes
/// to nothing; an edge node to its own NCMD and DCMD and the primary host's STATE (Sparkplug 3.0 §5.2, §6.4.2).
/// </summary>
public static class TopicAcl
{
    private const string Sparkplug = "spBv1.0";

    /// <summary>Null when <paramref name="principal"/> may publish on <paramref name="topic"/>, otherwise the refusal reason.</summary>
    public static string? RefusePublish(MqttPrincipal principal, string topic, string prefix)
    {
        if (principal.IsTrusted)
        {
            return null;
        }
        var levels = topic.Split('/');
        if (levels[0] == Sparkplug)
        {
            if (levels.Length > 2 && (levels[1] == "STATE" || levels[2] is "NCMD" or "DCMD"))
            {
                return RefusalReasons.ReservedBranch;
            }
            var ownNode = principal.Kind == MqttPrincipalKind.EdgeNode && levels.Length is 4 or 5
                && levels[1] == principal.Group && levels[3] == principal.Node
                && levels[2] is "NBIRTH" or "NDATA" or "NDEATH" or "DBIRTH" or "DDATA" or "DDEATH"
                && (levels.Length == 4) == levels[2].StartsWith('N');
            return ownNode ? null : RefusalReasons.TopicNotOwned;
        }
        // The prefix may span levels (Uns:Prefix "acme/emea"), so the levels looked at are those after it.
        if (topic.StartsWith(prefix + "/", StringComparison.Ordinal)
            && topic[(prefix.Length + 1)..].Split('/').Any(level => level.StartsWith('_')))
        {
            return RefusalReasons.ReservedBranch;
        }
        var ownAsset = principal.Kind == MqttPrincipalKind.AssetDevice
            && UnsTopic.TryParse(topic, prefix, out var parsed, out _) && parsed.AssetId == principal.AssetId;
        return ownAsset ? null : RefusalReasons.TopicNotOwned;
    }

    /// <summary>True when <paramref name="principal"/> may subscribe to <paramref name="filter"/>.</summary>
    public static bool MaySubscribe(MqttPrincipal principal, string filter, string hostId)
    {
        if (principal.IsTrusted)
        {
            return true;
        }
        if (principal.Kind != MqttPrincipalKind.EdgeNode)
        {
            return false;
        }
        if (filter == $"{Sparkplug}/STATE/{hostId}" || filter == $"{Sparkplug}/{principal.Group}/NCMD/{principal.Node}")
        {
            return true;
        }
        var deviceCommands = $"{Sparkplug}/{principal.Group}/DCMD/{principal.Node}/";
        // One more level: a device id of this node, or a wildcard that stays within the node's own devices.
        return filter.StartsWith(deviceCommands, StringComparison.Ordinal) && filter.AsSpan(deviceCommands.Length) is var device
            && device.Length > 0 && (device is "#" || (device.IndexOf('/') < 0 && device.IndexOf('#') < 0));
    }
}
