using Threadline.Features.Assets;
using Threadline.Features.Plm;
using Threadline.Features.Security;
using Threadline.Storage;

namespace Threadline.Hosting;

/// <summary>The stores and services a command-line tool (import, validate) needs, without the web server.</summary>
public static class ToolServices
{
    public static async Task<ServiceProvider> StartAsync(IReadOnlyDictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddThreadlineSources(flags).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .AddStorage(configuration)
            .AddPlm()
            .AddInstalledBase()
            .AddSecurityStore()
            .BuildServiceProvider();
        await services.GetRequiredService<ThreadlineDb>().MigrateAsync(cancellationToken);
        return services;
    }
}
