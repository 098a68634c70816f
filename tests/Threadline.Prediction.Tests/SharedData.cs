namespace Threadline.Prediction;

/// <summary>The public data sets the project measures against, in ../shared/data next to the repository root.</summary>
internal static class SharedData
{
    public static string Root { get; } = Locate();

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Threadline.slnx")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }

        throw new DirectoryNotFoundException($"No Threadline.slnx above {AppContext.BaseDirectory}.");
    }
}
