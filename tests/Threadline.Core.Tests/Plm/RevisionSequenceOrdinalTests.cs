namespace Threadline.Plm;

public class RevisionSequenceOrdinalTests
{
    [Theory]
    [InlineData("A", 1)]
    [InlineData("D", 4)]
    [InlineData("J", 9)]
    [InlineData("Y", 20)]
    [InlineData("AA", 21)]
    [InlineData("04", 4)]
    [InlineData("c", 3)]
    public void Ordinal_CountsThePlaceInTheScheme(string code, int expected) => Assert.Equal(expected, RevisionSequence.Ordinal(code));

    [Theory]
    [InlineData("I")]
    [InlineData("A-1")]
    [InlineData("")]
    public void Ordinal_OfACodeOutsideTheSchemes_IsNull(string code) => Assert.Null(RevisionSequence.Ordinal(code));
}
