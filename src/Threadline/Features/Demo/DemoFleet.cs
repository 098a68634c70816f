using Threadline.Assets;
using Threadline.Features.Assets;
using Threadline.Features.Plm;
using Threadline.Plm;

namespace Threadline.Features.Demo;

/// <summary>
/// The demo's installed base: 500 CP-4720 pumps (SN00101 to SN00600) at three sites, shipped between February
/// 2025 and October 2026 (so at revisions C and D), each with an as-built record and a share with service history;
/// a prototype on a Draft revision, one scrapped unit, and the IoT side's list of asset IDs with a handful of broken
/// legacy spellings, so the validation gate and remediation have something real to show. Generated from a fixed
/// seed: the same fleet every time. Seeding does nothing when units are already registered.
/// </summary>
public static class DemoFleet
{
    public const int Units = 500;
    public const int FirstSerial = 101;
    public const string Prototype = "SN09001";

    public static readonly string[] Sites = ["acme-water/lyon-north", "acme-water/porto-east", "acme-water/ghent-harbour"];

    public static readonly string[] BrokenTargets =
    [
        "pump-4720-sn00341-r03",
        "PUMP_4720_SN341_R3",
        "PUMP-4720-5N00342-R03",
        "PUMP-4720-SN00343-R04",
        "PMUP-4720-SN00344-R03",
        "PUMP-4720-SN00999-R04",
    ];

    private static readonly DateTimeOffset FirstShipment = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastShipment = new(2026, 10, 30, 0, 0, 0, TimeSpan.Zero);

    public static async Task<bool> SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var installedBase = services.GetRequiredService<InstalledBaseService>();
        if ((await installedBase.ListAsync(DemoPumpFamily.Pump, null, null, ct)).Count > 0)
        {
            return false;
        }
        var plm = services.GetRequiredService<PlmService>();
        var now = installedBase.Time.GetUtcNow();
        var random = new Random(4720);

        // Engineering is working on revision E: a Draft that one prototype in the field was built to.
        await plm.ChangeAsync((catalog, at) => catalog.Get(DemoPumpFamily.Pump).WorkingRevision is null
            ? [catalog.CreateNextRevision(DemoPumpFamily.Pump, "E", at)] : [], ct);
        var catalog = await plm.CatalogAsync(ct);
        var families = await installedBase.FamiliesAsync(ct);

        var assets = new List<Asset>();
        var span = (LastShipment - FirstShipment).TotalDays;
        for (var i = 0; i < Units; i++)
        {
            var serial = $"SN{FirstSerial + i:00000}";
            var shipped = FirstShipment.AddDays(Math.Floor(span * i / Units));
            var site = $"{Sites[i % Sites.Length]}/area-{1 + (i / 3 % 2)}/line-{1 + (i / 6 % 3)}/cell-{1 + (i / 18 % 4)}";
            var legacy = i % 25 == 0 ? new[] { $"P4720/{FirstSerial + i}" } : null;
            assets.Add(AssetRules.Register(new NewAsset(serial, DemoPumpFamily.Pump, null, $"edge-{serial.ToLowerInvariant()}", site, shipped, LegacyIds: legacy),
                catalog, families, now));
        }
        assets.Add(AssetRules.Register(new NewAsset(Prototype, DemoPumpFamily.Pump, "E", "edge-proto-1", "acme-water/lyon-north/test-bay", now.AddDays(-20)),
            catalog, families, now));
        await installedBase.ImportAsync(assets, ct);

        foreach (var asset in assets.Where(a => a.Serial.Value != Prototype))
        {
            var designed = AssetConfigurations.Designed(catalog, asset);
            await installedBase.SetAsBuiltAsync(asset.Id, AsBuilt(asset, designed, random), ct);
            // Service history goes through the same checks as the API, so the demo cannot hold what a user could not enter.
            foreach (var e in ServiceHistory(asset, designed, random, now))
            {
                await installedBase.AddServiceEventAsync(asset.Id, e, ct);
            }
        }
        await installedBase.RetireAsync(assets[0].Id, ct);
        await installedBase.ReplaceTargetsAsync([.. assets.Select(a => a.Id), .. BrokenTargets], "demo: edge gateway registry", ct);
        return true;
    }

    private static List<AsBuiltComponent> AsBuilt(Asset asset, ResolvedBom designed, Random random)
    {
        var components = new List<AsBuiltComponent>();
        var number = asset.Serial.Number.ToString();
        void Add(IReadOnlyList<ResolvedBomLine> lines, string parent)
        {
            foreach (var line in lines)
            {
                var path = parent.Length == 0 ? line.FindNumber : $"{parent}/{line.FindNumber}";
                var item = line.Item;
                string? substitutes = null;
                // A few units left the line with the other impeller (approved substitution during a shortage) or a
                // standard bearing where the C3 one was designed (not approved: a deviation to find).
                if (line.Item == "20-3210" && random.NextDouble() < 0.04)
                {
                    (item, substitutes) = ("20-3200", "20-3210");
                }
                else if (line.Item == "40-6310-C3" && random.NextDouble() < 0.03)
                {
                    item = "40-6310";
                }
                var serialised = line.Kind != ItemKind.Part || line.Item.StartsWith("20-", StringComparison.Ordinal) || line.Item.StartsWith("30-", StringComparison.Ordinal);
                components.Add(new AsBuiltComponent(path, item, line.Revision ?? "A",
                    serialised ? $"{line.Item[..2]}{line.FindNumber}-{number}" : null,
                    serialised ? null : $"L{asset.BuildDate:yyMM}", substitutes));
                Add(line.Lines, path);
            }
        }
        Add(designed.Lines, "");
        return components;
    }

    private static IEnumerable<NewServiceEvent> ServiceHistory(Asset asset, ResolvedBom designed, Random random, DateTimeOffset now)
    {
        var inService = (now - asset.BuildDate).TotalDays;
        if (inService < 60)
        {
            yield break;
        }
        var hoursPerDay = 16 + (random.NextDouble() * 8);
        DateTimeOffset At(double fraction) => asset.BuildDate.AddDays(Math.Floor(30 + ((inService - 30) * fraction))).AddHours(8 + random.Next(9));
        double Hours(DateTimeOffset at) => Math.Round((at - asset.BuildDate).TotalDays * hoursPerDay, 1);
        var technicians = new[] { "j.moreau", "a.silva", "p.devries", "m.costa", "l.janssens" };
        var technician = technicians[random.Next(technicians.Length)];
        var seal = designed.Lines.First(l => l.FindNumber == "40");
        if (random.NextDouble() < 0.3)
        {
            var at = At(random.NextDouble() * 0.4);
            yield return new NewServiceEvent(ServiceEventKind.Inspection, "20", null, null, Hours(at), technician, at, "Vibration route: bearings within limits");
        }
        if (random.NextDouble() < 0.18)
        {
            var at = At(0.4 + (random.NextDouble() * 0.5));
            yield return new NewServiceEvent(ServiceEventKind.Replacement, "40", $"{seal.Item[..2]}40-{asset.Serial.Number}",
                new InstalledPart("20-4310", "A", $"SR-{random.Next(10000, 99999)}"), Hours(at), technician, at, "Seal weeping at the atmospheric side");
        }
        if (random.NextDouble() < 0.08)
        {
            var at = At(0.5 + (random.NextDouble() * 0.45));
            // One in five bearing jobs used the wrong bearing from the van stock: what service BOM accuracy catches.
            var installed = random.NextDouble() < 0.2 ? "40-6309" : "40-6310-C3";
            yield return new NewServiceEvent(ServiceEventKind.Replacement, "20/10", null, new InstalledPart(installed, "A", null, $"L{at:yyMM}"),
                Hours(at), technician, at, "Drive-end bearing noise");
        }
    }
}
