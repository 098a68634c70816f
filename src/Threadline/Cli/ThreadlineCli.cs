using System.CommandLine;
using Microsoft.Extensions.Options;
using Threadline.Features.Assets;
using Threadline.Features.Assets.Import;
using Threadline.Features.Demo;
using Threadline.Features.Plm.Import;
using Threadline.Features.Security;
using Threadline.Hosting;

namespace Threadline.Cli;

/// <summary>The verbs of the one executable. Each feature that owns a verb builds its own command.</summary>
public static class ThreadlineCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Threadline: the digital-thread server. PLM records, installed base, telemetry and twins on one server.");
        root.Subcommands.Add(ServerCommands.Serve());
        root.Subcommands.Add(DemoCommand.Create());
        var import = new Command("import", "Load records from files exported by other systems.");
        import.Subcommands.Add(ImportBomCommand.Create());
        import.Subcommands.Add(ImportAssetsCommand.Assets());
        import.Subcommands.Add(ImportAssetsCommand.AsBuilt());
        root.Subcommands.Add(import);
        root.Subcommands.Add(AssetsCommand.Create());
        root.Subcommands.Add(SecurityCommands.Users());
        root.Subcommands.Add(SecurityCommands.Audit());
        root.Subcommands.Add(Features.Bench.BenchCommands.Create());
        return root;
    }
}

/// <summary>Options and plumbing shared by the verbs that run the server or open its stores.</summary>
public static class ServerCommands
{
    public static Option<string> UrlsOption() => new("--urls")
    {
        Description = $"Addresses to listen on, separated by ';'. Default {ServerHost.DefaultUrls}.",
    };

    public static Option<string> DataOption() => new("--data")
    {
        Description = "Folder for the embedded stores (SQLite file, later the time series). Default ./data.",
    };

    public static Option<int?> MqttPortOption() => new("--mqtt-port")
    {
        Description = "Port of the embedded MQTT broker (Mqtt:Port). Default 1883; 0 picks a free port.",
    };

    public static Command Serve()
    {
        var urls = UrlsOption();
        var data = DataOption();
        var mqttPort = MqttPortOption();
        var command = new Command("serve", "Run the server on embedded defaults (SQLite under the data folder) or on the configured engines.")
        {
            urls, data, mqttPort,
        };
        command.SetAction((result, ct) => RunServerAsync(Flags(result.GetValue(urls), result.GetValue(data), result.GetValue(mqttPort)), seed: null, ct));
        return command;
    }

    public static Dictionary<string, string?> Flags(string? urls, string? data, int? mqttPort = null) => new()
    {
        ["Urls"] = urls,
        ["DataDirectory"] = data,
        ["Mqtt:Port"] = mqttPort?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Builds, migrates, optionally seeds, and serves until stopped. Bad configuration ends it with exit code 2.</summary>
    public static async Task<int> RunServerAsync(
        IReadOnlyDictionary<string, string?> flags,
        Func<IServiceProvider, CancellationToken, Task>? seed,
        CancellationToken cancellationToken)
    {
        return await WithConfigurationErrorsReported(async () =>
        {
            var app = ServerHost.Build(ServerHost.CreateBuilder(flags));
            await ServerHost.StartAsync(app, seed, cancellationToken);
            await app.WaitForShutdownAsync(cancellationToken);
            await app.StopAsync(CancellationToken.None);
            return 0;
        });
    }

    public static async Task<int> WithConfigurationErrorsReported(Func<Task<int>> run)
    {
        try
        {
            return await run();
        }
        catch (OptionsValidationException invalid)
        {
            return await ReportAsync(invalid.Failures);
        }
        catch (InvalidOperationException unreadable) when (ConfigurationCheck.IsUnreadable(unreadable))
        {
            // Settings read while the server is put together (the twin silo's) fail in the binder itself.
            return await ReportAsync([unreadable.Message]);
        }

        static async Task<int> ReportAsync(IEnumerable<string> failures)
        {
            await Console.Error.WriteLineAsync("threadline: the configuration is not valid:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure);
            }
            return 2;
        }
    }
}
