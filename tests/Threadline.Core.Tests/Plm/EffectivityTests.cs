using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Plm;

public class EffectivityTests
{
    [Fact]
    public void SerialRange_IncludesBothEnds()
    {
        var range = Serials("SN00100", "SN00199");
        Assert.True(range.CoversSerial(SerialNumber.Parse("SN00100")));
        Assert.True(range.CoversSerial(SerialNumber.Parse("SN00199")));
        Assert.False(range.CoversSerial(SerialNumber.Parse("SN00099")));
        Assert.False(range.CoversSerial(SerialNumber.Parse("SN00200")));
    }

    [Fact]
    public void DateRange_StartsAtMidnightUtcAndEndsBeforeDateTo()
    {
        var range = Dates(Utc(2026, 3, 1), Utc(2026, 4, 1));
        Assert.True(range.AppliesOn(Utc(2026, 3, 1)));
        Assert.False(range.AppliesOn(Utc(2026, 3, 1).AddTicks(-1)));
        Assert.True(range.AppliesOn(Utc(2026, 4, 1).AddTicks(-1)));
        Assert.False(range.AppliesOn(Utc(2026, 4, 1)));
    }

    [Fact]
    public void DateRange_ComparesInstantsNotLocalClockTimes()
    {
        var range = Dates(Utc(2026, 3, 1), null);
        var elevenPmInNewYorkOnFeb28 = new DateTimeOffset(2026, 2, 28, 23, 0, 0, TimeSpan.FromHours(-5));
        Assert.True(range.AppliesOn(elevenPmInNewYorkOnFeb28));
    }

    [Fact]
    public void Lots_FilterOnlyWhenALotIsGiven()
    {
        var lots = Lots("L-7", "L-8");
        Assert.True(lots.AppliesTo(null, Utc(2026, 1, 1), "l-7"));
        Assert.False(lots.AppliesTo(null, Utc(2026, 1, 1), "L-9"));
        Assert.True(lots.AppliesTo(null, Utc(2026, 1, 1), null));
    }

    [Fact]
    public void Overlaps_AdjacentDateRangesDoNotOverlap()
    {
        Assert.False(Dates(null, Utc(2026, 3, 1)).Overlaps(Dates(Utc(2026, 3, 1), null)));
        Assert.True(Dates(null, Utc(2026, 3, 2)).Overlaps(Dates(Utc(2026, 3, 1), null)));
    }

    [Fact]
    public void Overlaps_SerialRangesSharingOneSerialOverlap()
    {
        Assert.True(Serials("SN1", "SN100").Overlaps(Serials("SN100", "SN200")));
        Assert.False(Serials("SN1", "SN99").Overlaps(Serials("SN100", "SN200")));
    }

    [Fact]
    public void Overlaps_DisjointLotsDoNotOverlapEvenWhenDatesDo()
    {
        Assert.False(Lots("L1").Overlaps(Lots("L2")));
        Assert.True(Lots("L1", "L2").Overlaps(Lots("L2")));
        Assert.True(Effectivity.Always.Overlaps(Lots("L2")));
    }

    [Fact]
    public void Problem_NamesAnInvertedSerialRange()
    {
        Assert.Contains("inverted", Serials("SN200", "SN100").Problem());
        Assert.Null(Serials("SN100", "SN100").Problem());
    }

    [Fact]
    public void Problem_AnEmptyDateRangeIsRefused()
    {
        Assert.NotNull(Dates(Utc(2026, 3, 1), Utc(2026, 3, 1)).Problem());
    }
}
