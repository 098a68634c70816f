namespace Threadline.Sparkplug;

/// <summary>
/// A parsed Sparkplug B topic: <c>spBv1.0/{group}/{type}/{edge node}[/{device}]</c>, or
/// <c>spBv1.0/STATE/{host id}</c> for a host application's state (spec 4.1, 4.2.3). For STATE, <see cref="GroupId"/>
/// and <see cref="EdgeNodeId"/> are empty and <see cref="HostId"/> is set.
/// </summary>
public sealed record SparkplugTopic(
    SparkplugMessageType Type,
    string GroupId,
    string EdgeNodeId,
    string? DeviceId,
    string? HostId = null)
{
    /// <summary>The namespace element every Sparkplug B topic starts with (spec 4.1).</summary>
    public const string Namespace = "spBv1.0";

    /// <summary>Reads a topic; on failure says why in <paramref name="error"/> (one of <see cref="SparkplugDeadLetterReasons"/>).</summary>
    public static bool TryParse(string topic, out SparkplugTopic? parsed, out string? error)
    {
        parsed = null;
        error = null;
        var parts = topic.Split('/');
        if (parts.Length < 3 || parts[0] != Namespace)
        {
            error = SparkplugDeadLetterReasons.MalformedTopic;
            return false;
        }
        // Spec 4.2.3.1.1: STATE is the only topic with two elements after the namespace.
        if (parts[1] == "STATE")
        {
            if (parts.Length != 3 || parts[2].Length == 0)
            {
                error = SparkplugDeadLetterReasons.MalformedTopic;
                return false;
            }
            parsed = new SparkplugTopic(SparkplugMessageType.State, "", "", null, parts[2]);
            return true;
        }
        if (parts.Length is < 4 or > 5 || parts.Any(p => p.Length == 0))
        {
            error = SparkplugDeadLetterReasons.MalformedTopic;
            return false;
        }
        SparkplugMessageType? type = parts[2] switch
        {
            "NBIRTH" => SparkplugMessageType.NBirth,
            "NDATA" => SparkplugMessageType.NData,
            "NDEATH" => SparkplugMessageType.NDeath,
            "DBIRTH" => SparkplugMessageType.DBirth,
            "DDATA" => SparkplugMessageType.DData,
            "DDEATH" => SparkplugMessageType.DDeath,
            "NCMD" => SparkplugMessageType.NCmd,
            "DCMD" => SparkplugMessageType.DCmd,
            _ => null,
        };
        if (type is null)
        {
            error = SparkplugDeadLetterReasons.UnknownMessageType;
            return false;
        }
        var isDeviceType = type is SparkplugMessageType.DBirth or SparkplugMessageType.DData
            or SparkplugMessageType.DDeath or SparkplugMessageType.DCmd;
        if (isDeviceType != (parts.Length == 5))
        {
            error = SparkplugDeadLetterReasons.MalformedTopic;
            return false;
        }
        parsed = new SparkplugTopic(type.Value, parts[1], parts[3], isDeviceType ? parts[4] : null);
        return true;
    }

    public override string ToString() => Type == SparkplugMessageType.State
        ? $"{Namespace}/STATE/{HostId}"
        : $"{Namespace}/{GroupId}/{Type.ToString().ToUpperInvariant()}/{EdgeNodeId}" + (DeviceId is null ? "" : "/" + DeviceId);
}
