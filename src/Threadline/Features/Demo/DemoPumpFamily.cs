using Threadline.Common;
using Threadline.Features.Plm;
using Threadline.Plm;
using Threadline.Twins;

namespace Threadline.Features.Demo;

/// <summary>
/// The demo's product: the CP-4720 centrifugal pump (10-4720-00) at revisions C and D, with a motor, a bearing
/// housing with two bearings, an impeller, a mechanical seal and a volute casing. Its effectivity is chosen so that
/// two units on two dates get different structures: the impeller changes at serial SN00400, the seal on 2026-03-01,
/// and the bearing housing (and with it the drive-end bearing) moves to revision B on 2026-01-20.
/// Seeding goes through the same domain rules as the API and does nothing if the pump already exists.
/// </summary>
public static class DemoPumpFamily
{
    public const string Pump = "10-4720-00";
    public const string Family = "PUMP-4720";

    private static readonly DateTimeOffset PartsReleased = new(2024, 11, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HousingA = new(2025, 1, 10, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RevisionC = new(2025, 1, 15, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset HousingB = new(2026, 1, 20, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset RevisionD = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SealChange = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<bool> SeedAsync(PlmService plm, CancellationToken cancellationToken)
    {
        var changed = await plm.ChangeAsync((catalog, now) => catalog.Find(Pump) is null ? Build(catalog, now) : [], cancellationToken);
        return changed.Count > 0;
    }

    public static IReadOnlyList<Item> Build(PlmCatalog catalog, DateTimeOffset now)
    {
        var working = catalog;
        void Keep(Item item) => working = working.With(item);

        (string Number, string Name, string Uom)[] parts =
        [
            ("30-1100", "Motor 11 kW IE3, 4-pole", "ea"),
            ("40-6310", "Ball bearing 6310-2Z", "ea"),
            ("40-6310-C3", "Ball bearing 6310-2Z/C3 (increased clearance)", "ea"),
            ("40-6309", "Ball bearing 6309-2Z", "ea"),
            ("40-3100", "Pump shaft, duplex stainless", "ea"),
            ("40-4100", "Lip seal 45x62x8 FKM", "ea"),
            ("20-3200", "Impeller, closed, 5 vanes, Ø250", "ea"),
            ("20-3210", "Impeller, closed, 6 vanes, Ø250, reduced NPSHr", "ea"),
            ("20-4300", "Mechanical seal cartridge 45 mm, carbon/SiC", "ea"),
            ("20-4310", "Mechanical seal cartridge 45 mm, SiC/SiC", "ea"),
            ("20-5000", "Volute casing, ductile iron", "ea"),
            ("90-0012", "Hex bolt M12x40 A4-70", "ea"),
        ];
        foreach (var (number, name, uom) in parts)
        {
            Keep(working.CreateItem(new NewItem(number, name, ItemKind.Part, uom, Family), PartsReleased));
            Keep(working.Release(number, "A", PartsReleased));
        }

        Keep(working.CreateItem(new NewItem("20-2100", "Bearing housing assembly", ItemKind.Assembly, "ea", Family), HousingA));
        Keep(working.SetBom("20-2100", "A",
        [
            Line("10", "40-6310", 1, refDes: "B1"),
            Line("20", "40-6309", 1, refDes: "B2"),
            Line("30", "40-3100", 1),
            Line("40", "40-4100", 2, refDes: "S1;S2"),
        ]));
        Keep(working.Release("20-2100", "A", HousingA));
        Keep(working.CreateNextRevision("20-2100", null, HousingB));
        Keep(working.SetBom("20-2100", "B",
        [
            Line("10", "40-6310-C3", 1, refDes: "B1"),
            Line("20", "40-6309", 1, refDes: "B2"),
            Line("30", "40-3100", 1),
            Line("40", "40-4100", 2, refDes: "S1;S2"),
        ]));
        Keep(working.Release("20-2100", "B", HousingB));

        var upToSn399 = new Effectivity(null, SerialNumber.Parse("SN00399"), null, null, []);
        var fromSn400 = new Effectivity(SerialNumber.Parse("SN00400"), null, null, null, []);
        var sealUntilChange = new Effectivity(null, null, null, SealChange, []);
        var sealFromChange = new Effectivity(null, null, SealChange, null, []);
        BomLine[] pumpBom =
        [
            Line("10", "30-1100", 1, refDes: "M1"),
            Line("20", "20-2100", 1),
            Line("30", "20-3200", 1, effectivity: upToSn399),
            Line("30", "20-3210", 1, effectivity: fromSn400),
            Line("40", "20-4300", 1, effectivity: sealUntilChange),
            Line("40", "20-4310", 1, effectivity: sealFromChange),
            Line("50", "20-5000", 1),
            Line("60", "90-0012", 8),
        ];
        ServiceBomEntry[] serviceBom =
        [
            new("20/10", "40-6310", 17_500, ["40-6310", "40-6310-C3"], "LAB-BRG-DE: replace drive-end bearing"),
            new("20/20", "40-6309", 17_500, [], "LAB-BRG-NDE: replace non-drive-end bearing"),
            new("20/40", "40-4100", 8_000, [], "LAB-LIP: replace lip seals"),
            new("30", "20-3200", 40_000, ["20-3200", "20-3210"], "LAB-IMP: replace impeller"),
            new("40", "20-4300", 8_000, ["20-4310"], "LAB-SEAL: replace seal cartridge"),
        ];

        Keep(working.CreateItem(new NewItem(Pump, "Centrifugal pump CP-4720, 45 m³/h at 32 m", ItemKind.Product, "ea", Family, "C"), RevisionC));
        Keep(working.SetBom(Pump, "C", pumpBom));
        Keep(working.SetLimits(Pump, "C",
        [
            new("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Warning),
            new("bearing_vibration_x", null, 7.1, "mm/s", LimitSeverity.Critical),
            new("bearing_temperature", null, 90, "°C", LimitSeverity.Warning),
            new("bearing_temperature", null, 105, "°C", LimitSeverity.Critical),
            new("inlet_pressure_margin", 1.0, null, "m", LimitSeverity.Warning),
            new("inlet_pressure_margin", 0.5, null, "m", LimitSeverity.Critical),
            new("flow", 12, 60, "m³/h", LimitSeverity.Warning),
        ]));
        Keep(working.SetServiceBom(Pump, "C", serviceBom));
        Keep(SetTwinModel(working, Pump, "C", TwinModel));
        Keep(working.Release(Pump, "C", RevisionC));

        // Revision D follows the C3 bearing change: tighter vibration limits (ISO 10816-3 zone B/C at 2.8 mm/s)
        // and a wider inlet margin allowance thanks to the reduced-NPSHr impeller.
        Keep(working.CreateNextRevision(Pump, null, RevisionD));
        Keep(working.SetLimits(Pump, "D",
        [
            new("bearing_vibration_x", null, 2.8, "mm/s", LimitSeverity.Warning),
            new("bearing_vibration_x", null, 4.5, "mm/s", LimitSeverity.Critical),
            new("bearing_temperature", null, 90, "°C", LimitSeverity.Warning),
            new("bearing_temperature", null, 105, "°C", LimitSeverity.Critical),
            new("inlet_pressure_margin", 0.8, null, "m", LimitSeverity.Warning),
            new("inlet_pressure_margin", 0.4, null, "m", LimitSeverity.Critical),
            new("flow", 10, 60, "m³/h", LimitSeverity.Warning),
        ]));
        Keep(working.SetServiceBom(Pump, "D",
        [
            new("20/10", "40-6310-C3", 20_000, ["40-6310-C3"], "LAB-BRG-DE: replace drive-end bearing"),
            .. serviceBom.Skip(1),
        ]));
        Keep(working.Release(Pump, "D", RevisionD));

        return [.. working.Items.Where(i => !ReferenceEquals(catalog.Find(i.Number), i))];
    }

    /// <summary>The CP-4720's twin model document (cp-4720.twin-model.json): demo data, like the BOM and the limits; revision D inherits it from C.</summary>
    public static TwinModelDocument TwinModel { get; } = TwinModelJson.Parse(ReadResource("Threadline.Demo.cp-4720.twin-model.json"));

    // The same check and command as PUT .../twin-model, so the demo's pump passes what any product must.
    private static Item SetTwinModel(PlmCatalog catalog, string number, string revision, TwinModelDocument document)
    {
        var item = catalog.Get(number);
        TwinModelDocuments.Check(item, document);
        return catalog.SetTwinModel(number, revision, document);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(DemoPumpFamily).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The build lost the embedded resource {name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static BomLine Line(string find, string child, decimal quantity, string? refDes = null, Effectivity? effectivity = null) =>
        new(find, child, quantity, refDes is null ? EquatableList<string>.Empty : refDes.Split(';'), null, effectivity ?? Effectivity.Always);
}
