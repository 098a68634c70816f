using Threadline.Plm;
using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Assets;

public class AssetValidationTests
{
    [Fact]
    public void Gate_ReportsEachUnresolvedIdWithItsReason()
    {
        var catalog = PumpFleet.Catalog();
        var families = PumpFleet.Families(catalog);
        var good = PumpFleet.Register(catalog, "SN00341");
        // Revision C opened as Draft; a unit registered against it does not resolve to a released BOM.
        catalog = catalog.With(catalog.CreateNextRevision(PumpFleet.Pump, null, PumpFleet.Now));
        var draft = AssetRules.Register(new NewAsset("SN00342", PumpFleet.Pump, "C"), catalog, families, PumpFleet.Now);
        // A serial the impeller's ranges do not cover (prefix AA sorts before SN00001).
        var outside = PumpFleet.Register(catalog, "AA00001");

        var report = AssetValidation.Run([good, draft, outside],
            ["PUMP-4720-SN00341-R01", "pump_4720_sn341_r1", "PUMP-4720-SN341-R01", "PUMP-4720-SN00999-R01", "VALVE-9-SN1-R01", "PUMP-4720-??"],
            catalog, families);

        var reasons = report.Unresolved.ToDictionary(u => u.AssetId, u => u.Reason);
        Assert.Equal(UnresolvedReason.DraftRevision, reasons[draft.Id]);
        Assert.Equal(UnresolvedReason.SerialOutsideEffectivity, reasons[outside.Id]);
        Assert.Equal(UnresolvedReason.MalformedId, reasons["pump_4720_sn341_r1"]);
        Assert.Equal(UnresolvedReason.Duplicate, reasons["PUMP-4720-SN341-R01"]);
        Assert.Equal(UnresolvedReason.UnknownAsset, reasons["PUMP-4720-SN00999-R01"]);
        Assert.Equal(UnresolvedReason.UnknownPrefix, reasons["VALVE-9-SN1-R01"]);
        Assert.Equal(UnresolvedReason.MalformedId, reasons["PUMP-4720-??"]);
        Assert.Equal("PUMP-4720-SN00341-R01", report.Unresolved.Single(u => u.AssetId == "pump_4720_sn341_r1").Proposal);
        Assert.Equal((8, 1), (report.Total, report.Resolved));
    }
}
