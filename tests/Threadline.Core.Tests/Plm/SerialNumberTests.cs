namespace Threadline.Plm;

public class SerialNumberTests
{
    [Theory]
    [InlineData("SN99", "SN100")]
    [InlineData("SN00099", "SN100")]
    [InlineData("4171", "4172")]
    [InlineData("A100", "B1")]
    [InlineData("SN", "SN1")]
    public void Compare_OrdersByPrefixThenNumber(string lower, string higher)
    {
        Assert.True(SerialNumber.Parse(lower) < SerialNumber.Parse(higher));
        Assert.True(SerialNumber.Parse(higher) > SerialNumber.Parse(lower));
    }

    [Fact]
    public void Parse_NormalisesCaseAndWhitespace()
    {
        Assert.Equal(SerialNumber.Parse("SN00341"), SerialNumber.Parse("  sn00341 "));
    }

    [Fact]
    public void Compare_ZeroPaddingDoesNotChangeOrder()
    {
        Assert.Equal(0, SerialNumber.Parse("SN0099").CompareTo(SerialNumber.Parse("SN0099")));
        Assert.True(SerialNumber.Parse("SN0099").CompareTo(SerialNumber.Parse("SN99")) != 0);
        Assert.False(SerialNumber.Parse("SN0099") < SerialNumber.Parse("SN98"));
    }

    [Fact]
    public void Parse_Blank_Throws()
    {
        Assert.Throws<FormatException>(() => SerialNumber.Parse("  "));
    }
}
