namespace Threadline.Hosting;

/// <summary>The data folder every embedded store writes under. Bound from the root key "DataDirectory" (flag --data).</summary>
public sealed class HostingPaths
{
    /// <summary>Default "./data", relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";
}
