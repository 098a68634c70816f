using Threadline.Plm;

namespace Threadline.Assets;

public class AssetFamilyTests
{
    private static readonly AssetFamily Pump = new("PUMP-4720");

    [Fact]
    public void Format_FillsDefaultPattern_WithPaddedSerialAndRevisionNumber()
    {
        var catalog = PumpFleet.Catalog();
        var id = Pump.FormatId(SerialNumber.Parse("sn341"), catalog.Get(PumpFleet.Pump), "B");
        Assert.Equal("PUMP-4720-SN00341-R02", id);
    }

    [Theory]
    [InlineData("PUMP-4720-SN00341-R04")]
    [InlineData("pump-4720-sn00341-r04")]
    [InlineData("PUMP_4720_SN341_R4")]
    [InlineData("pump 4720 / sn 00341 / r 04")]
    [InlineData("PUMP4720SN341R04")]
    public void Normalise_LooseSpellings_GiveTheCanonicalId(string raw)
    {
        var parsed = Pump.TryNormalise(raw);
        Assert.NotNull(parsed);
        Assert.Equal("PUMP-4720-SN00341-R04", parsed.CanonicalId);
        Assert.Equal("SN00341", parsed.Serial);
    }

    [Theory]
    [InlineData("PUMP-4720-R04")]
    [InlineData("VALVE-88-SN00341-R04")]
    [InlineData("PUMP-4720-SN00341")]
    public void Normalise_IdsThatDoNotFitThePattern_GiveNothing(string raw) => Assert.Null(Pump.TryNormalise(raw));

    [Fact]
    public void CustomPattern_WithRevisionCode_RoundTrips()
    {
        var family = new AssetFamily("VLV", Pattern: "{family}/{serial}/{rev}", SerialDigits: 6);
        Assert.Equal("VLV/A000017/C", family.TryNormalise("vlv-a17-c")!.CanonicalId);
        Assert.NotNull(family.TryParse("VLV/A000017/C"));
        Assert.Null(family.TryParse("VLV-A000017-C"));
    }

    [Theory]
    [InlineData("", null, AssetFamily.DefaultPattern, 5, "prefix")]
    [InlineData("PUMP-4720", "ftp://x", AssetFamily.DefaultPattern, 5, "URL")]
    [InlineData("PUMP-4720", null, "{family}-R{revno}", 5, "{serial}")]
    [InlineData("PUMP-4720", null, "{family}-{serial}-{lot}", 5, "token")]
    [InlineData("PUMP-4720", null, AssetFamily.DefaultPattern, 0, "Serial digits")]
    public void Problem_NamesWhatIsWrong(string prefix, string? url, string pattern, int digits, string expected) =>
        Assert.Contains(expected, AssetFamily.Problem(prefix, url, pattern, digits));

    [Fact]
    public void Table_RoutesByLongestPrefix_AndReportsUnknownPrefixes()
    {
        var table = new AssetFamilyTable([new AssetFamily("PUMP"), new AssetFamily("PUMP-47", "https://plm.example.com")], PlmCatalog.Empty);
        Assert.Equal("PUMP-47", table.Route("pump-4720-SN1-R01")!.Prefix);
        Assert.Equal("PUMP", table.Route("PUMP-10-SN1-R01")!.Prefix);
        Assert.Null(table.Route("VALVE-10-SN1-R01"));
    }

    [Fact]
    public void Table_TakesLocalFamiliesFromItems()
    {
        var table = PumpFleet.Families(PumpFleet.Catalog());
        Assert.True(table.Find("pump-4720")!.IsLocal);
    }
}
