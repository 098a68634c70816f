using System.CommandLine;
using Threadline.Cli;
using Threadline.Features.Ingestion.Security;
using Threadline.Features.Plm;
using Threadline.Features.Security;

namespace Threadline.Features.Demo;

/// <summary>`threadline demo`: serve, after seeding the demo pump family if it is not there yet.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var urls = ServerCommands.UrlsOption();
        var data = ServerCommands.DataOption();
        var mqttPort = ServerCommands.MqttPortOption();
        var command = new Command("demo", "Run the server with a seeded demo data set: the CP-4720 centrifugal pump family.")
        {
            urls, data, mqttPort,
        };
        command.SetAction((result, ct) =>
        {
            var flags = ServerCommands.Flags(result.GetValue(urls), result.GetValue(data), result.GetValue(mqttPort));
            flags["Logging:Format"] = "text";
            flags["Demo:Simulate"] = "true";
            return ServerCommands.RunServerAsync(flags, SeedAsync, ct);
        });
        return command;
    }

    private static async Task SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var seeded = await DemoPumpFamily.SeedAsync(services.GetRequiredService<PlmService>(), ct);
        var fleet = await DemoFleet.SeedAsync(services, ct);
        var users = await DemoUsers.SeedAsync(services, ct);
        var urls = services.GetRequiredService<IConfiguration>()["Urls"] ?? Hosting.ServerHost.DefaultUrls;
        var root = urls.Split(';')[0].TrimEnd('/');
        Console.WriteLine(seeded ? "Seeded the CP-4720 pump family." : "Demo PLM data already present; left as it is.");
        Console.WriteLine(fleet ? $"Seeded {DemoFleet.Units} pumps at {DemoFleet.Sites.Length} sites with as-built records and service history." : "Demo fleet already present; left as it is.");
        Console.WriteLine($"""
            Threadline demo on {root}
              {root}/api/items/{DemoPumpFamily.Pump}
              {root}/api/items/{DemoPumpFamily.Pump}/bom?serial=SN00350&at=2026-01-10
              {root}/api/items/{DemoPumpFamily.Pump}/bom?serial=SN00420&at=2026-03-14
              {root}/api/items/40-6310/where-used?at=2025-06-01
              {root}/api/items/{DemoPumpFamily.Pump}/revisions/D/twin-model
              {root}/api/twins/PUMP-4720-SN00425-R04
              {root}/api/alerts
              {root}/api/assets?site=acme-water/porto-east
              {root}/api/assets/PUMP-4720-SN00341-R03/configuration?at=2026-03-14
              {root}/api/assets/PUMP-4720-SN00341-R03/context
              {root}/api/assets/validation
              {root}/api/assets/service-bom-accuracy
              {root}/openapi/v1.json   {root}/health
            Every URL but {root}/health/live needs a login. Get a token and send it:
            """);
        Console.WriteLine($"  TOKEN=$(curl -s -X POST {root}/api/auth/token -H 'Content-Type: application/json' -d '{{\"username\":\"engineer\",\"password\":\"...\"}}' | jq -r .token)");
        Console.WriteLine($"  curl -H \"Authorization: Bearer $TOKEN\" {root}/api/items/{DemoPumpFamily.Pump}");
        Console.WriteLine(await DemoDeviceCredential.LinesAsync(services, "PUMP-4720-SN00420-R04", "acme-water/porto-east", "bearing_vibration_x", ct));
        Console.WriteLine("Ctrl+C stops it.");
        if (users.Count > 0)
        {
            Console.WriteLine("Demo users, shown this once (each also holds viewer):");
            foreach (var (name, password) in users)
            {
                Console.WriteLine($"  {name,-11} {password}");
            }
        }
        else
        {
            Console.WriteLine("Demo users already present; their passwords were shown when they were created.");
        }
    }
}
