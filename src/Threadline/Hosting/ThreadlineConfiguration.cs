namespace Threadline.Hosting;

/// <summary>
/// The configuration layers, lowest first: appsettings.json beside the executable, environment variables
/// prefixed THREADLINE__ (THREADLINE__STORAGE__PROVIDER is Storage:Provider), then command-line flags.
/// </summary>
public static class ThreadlineConfiguration
{
    public const string EnvironmentPrefix = "THREADLINE__";

    public static IConfigurationBuilder AddThreadlineSources(this IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?> flags)
    {
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddInMemoryCollection(flags.Where(f => f.Value is not null));
        return configuration;
    }
}
