using Spectre.Console;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Testing;

namespace Threadline.Features.Assets;

public class AssetsCommandTests
{
    [Fact]
    public async Task Validate_OnTheDemoFleet_FailsTheGate_AndListsTheBrokenLegacyIds()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default);
        Assert.True(await DemoFleet.SeedAsync(server.Services, default));
        Assert.False(await DemoFleet.SeedAsync(server.Services, default));

        using var output = new StringWriter();
        var console = RecordingConsole.Create(output);
        var extra = Path.Combine(server.DataDirectory, "targets.csv");
        await File.WriteAllLinesAsync(extra, ["asset_id", "PUMP-4720-SN00341-R03", "pump 4720 sn 00400 r4"]);

        var code = await AssetsCommand.ValidateAsync(new FileInfo(extra), server.Services.GetRequiredService<InstalledBaseService>(), console, default);

        Assert.Equal(1, code);
        var text = output.ToString();
        Assert.Contains($"500 of {DemoFleet.Units + 1 + DemoFleet.BrokenTargets.Length + 1} targeted asset IDs resolve", text);
        Assert.Contains("draft-revision", text);
        Assert.Contains("PMUP-4720-SN00344-R03", text);
        Assert.Contains("pump 4720 sn 00400 r4", text);
        Assert.Contains("Gate not passed", text);

        var accuracy = await server.GetJsonAsync("/api/assets/service-bom-accuracy");
        Assert.True(accuracy.GetProperty("accuracy").GetDouble() is > 0.95 and < 1.0, accuracy.GetRawText());
    }
}
