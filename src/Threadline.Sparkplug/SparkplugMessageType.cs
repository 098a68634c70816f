namespace Threadline.Sparkplug;

/// <summary>The Sparkplug B message types named by the third element of a topic (spec 4.1), and STATE (spec 4.2.3).</summary>
public enum SparkplugMessageType
{
    NBirth,
    NData,
    NDeath,
    DBirth,
    DData,
    DDeath,
    NCmd,
    DCmd,
    State,
}
