using Spectre.Console;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Testing;

namespace Threadline.Features.Assets.Import;

#pragma warning disable CA1001 // disposed in DisposeAsync, which xunit calls
public sealed class ImportAssetsCommandTests : IAsyncLifetime
{
    private const string Header = "asset_id,serial,item,revision,iot_device_id,site,ship_date";

    private ThreadlineTestServer _server = null!;
    private readonly StringWriter _output = new();

    public async Task InitializeAsync()
    {
        _server = await ThreadlineTestServer.StartAsync();
        await DemoPumpFamily.SeedAsync(_server.Services.GetRequiredService<PlmService>(), default);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _output.DisposeAsync();
    }

    private async Task<int> Run(Func<FileInfo, bool, IServiceProvider, IAnsiConsole, CancellationToken, Task<int>> command, string[] lines, bool dryRun = false)
    {
        var file = Path.Combine(_server.DataDirectory, $"import-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, lines);
        var console = RecordingConsole.Create(_output);
        return await command(new FileInfo(file), dryRun, _server.Services, console, default);
    }

    private async Task<List<string>> AssetIds() =>
        [.. (await _server.GetJsonAsync("/api/assets")).EnumerateArray().Select(a => a.GetProperty("assetId").GetString()!)];

    private static readonly string[] Fleet =
    [
        Header,
        ",SN00341,10-4720-00,,edge-341,acme/lyon/area-1,2025-06-01",
        "pump_4720_sn342_r3,SN00342,10-4720-00,C,edge-342,acme/lyon/area-1,2025-06-02",
        "P4720/343,SN00343,10-4720-00,,,acme/porto,2026-03-01",
    ];

    [Fact]
    public async Task LegacyFile_LoadsNormalisesAndKeepsOldNames_AndASecondRunChangesNothing()
    {
        Assert.Equal(0, await Run(ImportAssetsCommand.RunAssetsAsync, Fleet));
        Assert.Equal(["PUMP-4720-SN00341-R03", "PUMP-4720-SN00342-R03", "PUMP-4720-SN00343-R04"], await AssetIds());
        var legacy = await _server.GetJsonAsync("/api/assets/PUMP-4720-SN00343-R04");
        Assert.Equal(["P4720/343"], legacy.GetProperty("legacyIds").EnumerateArray().Select(l => l.GetString()));
        var remediation = await ThreadlineTestServer.ExpectSuccess(await _server.PostAsync("/api/assets/remediation", new { ids = new[] { "p4720/343" } }));
        Assert.Equal("PUMP-4720-SN00343-R04", remediation[0].GetProperty("proposal").GetString());

        Assert.Equal(0, await Run(ImportAssetsCommand.RunAssetsAsync, Fleet));
        Assert.Matches(@"already registered, unchanged\s*│\s*3\s", _output.ToString());
        Assert.Matches(@"units registered\s*│\s*0\s", _output.ToString().Split("rows read")[^1]);
        Assert.Equal(3, (await AssetIds()).Count);
    }

    [Fact]
    public async Task BadRows_AreReportedByLine_AndGoodRowsStillLoad()
    {
        var code = await Run(ImportAssetsCommand.RunAssetsAsync,
        [
            Header,
            ",SN00341,10-4720-00,,edge-341,,2025-06-01",
            ",SN00342,NOPE,,,,",
            ",SN341,10-4720-00,,,,2025-06-01",
            "PUMP-4720-SN00999-R03,SN00344,10-4720-00,,,,2025-06-01",
            ",SN00345,10-4720-00,,edge-341,,2025-06-01",
            ",SN00346,10-4720-00,,,acme/plant one,",
            ",SN00347,10-4720-00,,,,14.03.2026",
        ]);
        Assert.Equal(1, code);
        var report = _output.ToString();
        Assert.Contains("line 3: Item 'NOPE' does not exist", report);
        Assert.Contains("line 4: Same unit (PUMP-4720-SN00341-R03) as line 2", report);
        Assert.Contains("line 5: asset_id 'PUMP-4720-SN00999-R03' names unit PUMP-4720-SN00999-R03", report);
        Assert.Contains("line 6: IoT device 'edge-341' is also on line 2", report);
        Assert.Contains("line 7: site 'acme/plant one' is not an ISA-95 path", report);
        Assert.Contains("line 8: ship_date '14.03.2026' is not an ISO 8601 date", report);
        Assert.Equal(["PUMP-4720-SN00341-R03"], await AssetIds());
    }

    [Fact]
    public async Task ChangedDataForARegisteredUnit_IsRefused_NotOverwritten()
    {
        Assert.Equal(0, await Run(ImportAssetsCommand.RunAssetsAsync, Fleet));
        Assert.Equal(1, await Run(ImportAssetsCommand.RunAssetsAsync, [Header, ",SN00341,10-4720-00,,edge-341,acme/ghent,2025-06-01"]));
        Assert.Contains("line 2: Serial SN00341 is already registered as PUMP-4720-SN00341-R03 with other data: site acme/lyon/area-1 → acme/ghent", _output.ToString());
        Assert.Equal("acme/lyon/area-1", (await _server.GetJsonAsync("/api/assets/PUMP-4720-SN00341-R03")).GetProperty("site").GetString());
    }

    [Fact]
    public async Task DryRun_WritesNothing()
    {
        Assert.Equal(0, await Run(ImportAssetsCommand.RunAssetsAsync, Fleet, dryRun: true));
        Assert.Empty(await AssetIds());
    }

    [Fact]
    public async Task AsBuiltFile_ReplacesEachUnitWhole_OrNotAtAll()
    {
        Assert.Equal(0, await Run(ImportAssetsCommand.RunAssetsAsync, Fleet));
        const string header = "asset_id,find_number,item,revision,serial,lot,substitutes";
        var code = await Run(ImportAssetsCommand.RunAsBuiltAsync,
        [
            header,
            "PUMP-4720-SN00341-R03,10,30-1100,A,M-1,,",
            "PUMP-4720-SN00341-R03,30,20-3210,A,I-1,,20-3200",
            "PUMP-4720-SN00342-R03,10,30-1100,A,M-2,,",
            "PUMP-4720-SN00342-R03,30,20-9999,A,,,",
            "PUMP-4720-SN00777-R03,10,30-1100,A,,,",
        ]);
        Assert.Equal(1, code);
        var report = _output.ToString();
        Assert.Contains("line 5: item '20-9999' does not exist", report);
        Assert.Contains("line 4: Not loaded: unit PUMP-4720-SN00342-R03 has refused rows", report);
        Assert.Contains("line 6: No asset 'PUMP-4720-SN00777-R03' is registered", report);

        var loaded = await _server.GetJsonAsync("/api/assets/PUMP-4720-SN00341-R03/as-built");
        Assert.Equal(2, loaded.GetProperty("components").GetArrayLength());
        Assert.Contains(loaded.GetProperty("deviations").EnumerateArray(), d => d.GetProperty("kind").GetString() == "substitution");
        Assert.Empty((await _server.GetJsonAsync("/api/assets/PUMP-4720-SN00342-R03/as-built")).GetProperty("components").EnumerateArray());
    }

    [Fact]
    public async Task UnreadableHeader_ExitsWithTwo_AndNamesTheColumn()
    {
        Assert.Equal(2, await Run(ImportAssetsCommand.RunAssetsAsync, ["serial,product", "SN1,P"]));
        Assert.Contains("lacks the required column(s) item", _output.ToString());
    }
}
