using Threadline.Plm;
using static Threadline.Plm.CatalogBuilder;

namespace Threadline.Assets;

/// <summary>
/// A small pump product for the installed-base tests: family PUMP-4720, revisions A (released 2025-01-01) and B
/// (2026-01-01); a housing assembly with a bearing; an impeller that changes at serial SN00400; a service BOM.
/// </summary>
internal static class PumpFleet
{
    public const string Pump = "P-100";
    public static readonly DateTimeOffset RevA = Utc(2025, 1, 1);
    public static readonly DateTimeOffset RevB = Utc(2026, 1, 1);
    public static readonly DateTimeOffset Now = Utc(2026, 6, 1);

    public static PlmCatalog Catalog()
    {
        var builder = new CatalogBuilder()
            .Part("MOTOR", Utc(2024, 6, 1))
            .Part("BRG-1", Utc(2024, 6, 1))
            .Part("BRG-2", Utc(2024, 6, 1))
            .Part("IMP-5", Utc(2024, 6, 1))
            .Part("IMP-6", Utc(2024, 6, 1))
            .Assembly("HOUSING", ItemKind.Assembly, Line("10", "BRG-1"))
            .Release("HOUSING", "A", Utc(2024, 6, 1));
        var catalog = builder.Catalog;
        catalog = catalog.With(catalog.CreateItem(new NewItem(Pump, "Pump", ItemKind.Product, "ea", "PUMP-4720"), T0));
        catalog = catalog.With(catalog.SetBom(Pump, "A",
        [
            Line("10", "MOTOR"),
            Line("20", "HOUSING"),
            Line("30", "IMP-5", effectivity: Serials("SN00001", "SN00399")),
            Line("30", "IMP-6", effectivity: Serials("SN00400", null)),
        ]));
        catalog = catalog.With(catalog.SetServiceBom(Pump, "A",
        [
            new ServiceBomEntry("20/10", "BRG-1", 17_500, ["BRG-1", "BRG-2"], null),
            new ServiceBomEntry("30", "IMP-5", 40_000, ["IMP-6"], null),
        ]));
        catalog = catalog.With(catalog.Release(Pump, "A", RevA));
        catalog = catalog.With(catalog.CreateNextRevision(Pump, null, T0));
        catalog = catalog.With(catalog.Release(Pump, "B", RevB));
        return catalog;
    }

    public static AssetFamilyTable Families(PlmCatalog catalog) => new([], catalog);

    public static Asset Register(PlmCatalog catalog, string serial, string? revision = null, DateTimeOffset? shipDate = null) =>
        AssetRules.Register(new NewAsset(serial, Pump, revision, ShipDate: shipDate ?? Utc(2025, 6, 1)), catalog, Families(catalog), Now);
}
