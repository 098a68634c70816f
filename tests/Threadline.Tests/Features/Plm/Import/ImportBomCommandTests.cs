using Spectre.Console;
using Threadline.Testing;

namespace Threadline.Features.Plm.Import;

#pragma warning disable CA1001 // disposed in DisposeAsync, which xunit calls
public sealed class ImportBomCommandTests : IAsyncLifetime
{
    private const string Header = "parent,parent_revision,parent_released,find_number,child,child_revision,child_name,child_kind,child_released,quantity,ref_des,serial_from,serial_to,date_from,date_to,lots";

    private ThreadlineTestServer _server = null!;
    private readonly StringWriter _output = new();

    public async Task InitializeAsync() => _server = await ThreadlineTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _output.DisposeAsync();
    }

    private async Task<int> Import(params string[] lines)
    {
        var file = Path.Combine(_server.DataDirectory, $"bom-{Guid.NewGuid():N}.csv");
        await File.WriteAllLinesAsync(file, lines);
        var console = RecordingConsole.Create(_output);
        return await ImportBomCommand.RunAsync(new FileInfo(file), dryRun: false, _server.Services.GetRequiredService<PlmService>(), console, default);
    }

    private static readonly string[] GoodFile =
    [
        Header,
        "PUMP,A,2025-02-01,10,HSG,A,Bearing housing,assembly,2025-01-15,1,,,,,,",
        "PUMP,A,2025-02-01,20,IMP-5,A,Impeller 5 vanes,part,2025-01-01,1,,SN1,SN399,,,",
        "PUMP,A,2025-02-01,20,IMP-6,A,Impeller 6 vanes,part,2025-01-01,1,,SN400,,,,",
        "HSG,A,2025-01-15,10,BRG,A,Bearing 6310,part,2025-01-01,2,B1;B2,,,,,",
    ];

    [Fact]
    public async Task MultiLevelFile_LoadsReleasesAndResolves()
    {
        Assert.Equal(0, await Import(GoodFile));

        var bom = await _server.GetJsonAsync("/api/items/PUMP/bom?serial=SN450&at=2025-03-01");
        Assert.Equal(["HSG", "IMP-6"], bom.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("item").GetString()));
        var bearing = bom.GetProperty("lines")[0].GetProperty("lines")[0];
        Assert.Equal("BRG", bearing.GetProperty("item").GetString());
        Assert.Equal(["B1", "B2"], bearing.GetProperty("refDes").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task SameFileTwice_ChangesNothingTheSecondTime()
    {
        Assert.Equal(0, await Import(GoodFile));
        var versionAfterFirst = await _server.Services.GetRequiredService<PlmStore>().ReadVersionAsync(default);
        _output.GetStringBuilder().Clear();

        Assert.Equal(0, await Import(GoodFile));

        Assert.Equal(versionAfterFirst, await _server.Services.GetRequiredService<PlmStore>().ReadVersionAsync(default));
        Assert.Matches(@"BOMs already up to date\s*│\s*2", _output.ToString());
    }

    [Fact]
    public async Task MalformedRows_AreReportedByLine_AndTheirParentRevisionIsLeftOutWhole()
    {
        var exit = await Import(
            Header,
            "GOOD,A,,10,P1,A,Part one,part,2025-01-01,1,,,,,,",
            "BAD,A,,10,P2,A,Part two,part,2025-01-01,1,,,,,,",
            "BAD,A,,20,P3,A,Part three,part,2025-01-01,lots,,,,,,",
            "BAD2,A,,10,P4,A,Part four,gizmo,,1,,,,,,",
            "BAD3,A,,10,P5,A,Part five,part,,1,,SN900,SN100,,,");

        Assert.Equal(1, exit);
        var report = _output.ToString();
        Assert.Contains("line 4: quantity 'lots' is not a number", report);
        Assert.Contains("line 5: child_kind 'gizmo'", report);
        Assert.Contains("line 6: serial range is inverted", report);
        var catalog = await _server.Services.GetRequiredService<PlmService>().CatalogAsync();
        Assert.NotNull(catalog.Find("GOOD"));
        Assert.Single(catalog.Get("GOOD").GetRevision("A").Bom);
        // Line 3 parsed, but line 4 of the same parent revision did not: BAD would be half a BOM, so it is not written.
        Assert.Null(catalog.Find("BAD"));
        Assert.Contains("line 3:", report);
    }

    [Fact]
    public async Task MissingRequiredColumn_RefusesTheFileAndWritesNothing()
    {
        var exit = await Import("parent,parent_revision,child,quantity", "X,A,Y,1");
        Assert.Equal(2, exit);
        Assert.Contains("find_number", _output.ToString());
        Assert.Equal(0, (await _server.Services.GetRequiredService<PlmService>().CatalogAsync()).Count);
    }
}
