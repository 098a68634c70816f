namespace Threadline.Assets;

public class AssetIdRemediationTests
{
    private static readonly AssetIdRemediation Remediation = new(
        PumpFleet.Families(PumpFleet.Catalog()),
        [
            KeyValuePair.Create("PUMP-4720-SN00341-R01", "PUMP-4720-SN00341-R01"),
            KeyValuePair.Create("PUMP-4720-SN00342-R01", "PUMP-4720-SN00342-R01"),
            KeyValuePair.Create("PUMP-4720-SN00500-R02", "PUMP-4720-SN00500-R02"),
            KeyValuePair.Create("P4720/500", "PUMP-4720-SN00500-R02"),
        ]);

    [Fact]
    public void Canonical_IsExact() =>
        Assert.Equal(RemediationStatus.Exact, Remediation.Propose("PUMP-4720-SN00341-R01").Status);

    [Fact]
    public void CaseSeparatorsAndPadding_AreNormalisedToTheRegisteredId()
    {
        var result = Remediation.Propose("pump_4720 sn341-r1");
        Assert.Equal(RemediationStatus.Normalised, result.Status);
        Assert.Equal("PUMP-4720-SN00341-R01", result.Proposal);
    }

    [Fact]
    public void LegacyId_ResolvesToItsAsset()
    {
        var result = Remediation.Propose("p4720/500");
        Assert.Equal("PUMP-4720-SN00500-R02", result.Proposal);
    }

    [Fact]
    public void SwappedDigits_AreOneEditAway_AndProposeTheRecord()
    {
        var result = Remediation.Propose("PUMP-4720-SN00500-R20");
        Assert.Equal(RemediationStatus.NearMatch, result.Status);
        Assert.Equal("PUMP-4720-SN00500-R02", result.Proposal);
        Assert.Equal(1, result.Distance);
    }

    [Fact]
    public void EquallyCloseRecords_AreAmbiguous_AndListed()
    {
        var result = Remediation.Propose("PUMP-4720-SN00343-R01");
        Assert.Equal(RemediationStatus.Ambiguous, result.Status);
        Assert.Null(result.Proposal);
        Assert.Equal(["PUMP-4720-SN00341-R01", "PUMP-4720-SN00342-R01"], result.Candidates.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FarFromEverything_IsUnknown_OrMalformed()
    {
        Assert.Equal(RemediationStatus.Unknown, Remediation.Propose("PUMP-4720-SN09999-R01").Status);
        Assert.Equal(RemediationStatus.Malformed, Remediation.Propose("PUMP-4720-XYZ").Status);
        Assert.Equal(RemediationStatus.UnknownPrefix, Remediation.Propose("VALVE-1-SN1-R01").Status);
    }

    [Fact]
    public void WrongRevisionNumber_ProposesTheUnitWithThatSerial_EvenWhenOtherIdsAreAsClose()
    {
        var result = Remediation.Propose("PUMP-4720-SN00341-R02");
        Assert.Equal(RemediationStatus.NearMatch, result.Status);
        Assert.Equal("PUMP-4720-SN00341-R01", result.Proposal);
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("ab", "ba", 1)]
    [InlineData("ca", "abc", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("same", "same", 0)]
    public void OptimalStringAlignment_MatchesHandComputedDistances(string a, string b, int expected) =>
        Assert.Equal(expected, AssetIdRemediation.OptimalStringAlignment(a, b));
}
