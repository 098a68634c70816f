using System.Globalization;
using Threadline.Common;
using Threadline.Plm;

namespace Threadline.Bench.Bom;

/// <summary>A generated product and the counts the benchmark promises about it.</summary>
internal sealed record GeneratedProduct(PlmCatalog Catalog, string ProductNumber, IReadOnlyList<Item> Items, int LineCount, int EffectivityLineCount);

/// <summary>
/// Builds, from a fixed seed, one product of exactly <see cref="TotalLines"/> stored BOM lines over six levels
/// (product, four assembly levels, parts), <see cref="EffectivityLines"/> of them with effectivity. Everything goes
/// through <see cref="PlmCatalog"/>, so the product obeys the same rules as one entered by a user.
/// </summary>
/// <remarks>
/// Serials are "SN" plus six zero-padded digits, so ordinal text order equals the domain's serial order and the SQL
/// side can compare them as strings. Assemblies are used once each (a tree); parts come from a shared pool.
/// </remarks>
internal static class BomProductGenerator
{
    public const int TotalLines = 10_000;
    public const int EffectivityLines = 2_000;
    public const int SerialSpace = 2_000;
    public const int DefaultSeed = 20_261_123;

    public static readonly DateTimeOffset BaseRelease = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CreatedAt = BaseRelease.AddDays(-30);
    private static readonly DateTimeOffset ChangeWindowStart = new(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const int ChangeWindowDays = 4 * 365;

    // Assemblies per parent at levels 1 to 4: 8, 48, 288 and 1,728 assemblies.
    private static readonly int[] Fanout = [8, 6, 6, 6];
    private const int PartPool = 3_000;
    private const string ProductNumber = "PRD-1000";

    public static string Serial(int n) => "SN" + n.ToString("D6", CultureInfo.InvariantCulture);

    public static GeneratedProduct Generate(int seed = DefaultSeed)
    {
        var rng = new Random(seed);
        var parts = Enumerable.Range(1, PartPool).Select(i => "PRT-" + i.ToString("D5", CultureInfo.InvariantCulture)).ToArray();

        // levels[0] is the product, levels[4] the lowest assemblies; children[number] their BOM (revision A).
        var levels = new List<List<string>> { new() { ProductNumber } };
        var bomA = new Dictionary<string, List<BomLine>>();
        for (var level = 1; level <= Fanout.Length; level++)
        {
            var numbers = new List<string>();
            foreach (var parent in levels[level - 1])
            {
                var lines = new List<BomLine>();
                for (var c = 0; c < Fanout[level - 1]; c++)
                {
                    var child = $"A{level}-{numbers.Count + 1:D4}";
                    numbers.Add(child);
                    // A few sub-assemblies apply only to some units or some dates, so whole subtrees drop out.
                    var effectivity = level >= 3 && rng.NextDouble() < 0.05 ? AssemblyEffectivity(rng) : Effectivity.Always;
                    lines.Add(new BomLine(FindNumber(c), child, rng.Next(1, 3), [], null, effectivity));
                }
                bomA[parent] = lines;
            }
            levels.Add(numbers);
        }

        // Later revisions of some upper assemblies: B changes a quantity, C (on a few) drops the last line.
        var laterRevisions = new Dictionary<string, List<(DateTimeOffset At, List<BomLine> Bom)>>();
        foreach (var (number, index) in levels[1].Select((n, i) => (n, i)).Concat(levels[2].Select((n, i) => (n, i + 100))))
        {
            if (index % 4 != 0 || index == 100)
            {
                continue;
            }
            var dateB = RandomDay(rng);
            var b = bomA[number].ToList();
            b[0] = b[0] with { Quantity = b[0].Quantity + 1 };
            var revisions = new List<(DateTimeOffset, List<BomLine>)> { (dateB, b) };
            if (index % 8 == 0)
            {
                revisions.Add((dateB.AddDays(200), b.Take(b.Count - 1).ToList()));
            }
            laterRevisions[number] = revisions;
        }

        var assemblyLines = bomA.Values.Sum(l => l.Count) + laterRevisions.Values.Sum(r => r.Sum(x => x.Bom.Count));
        var assemblyEffectivity = bomA.Values.Sum(l => l.Count(x => !x.Effectivity.IsUnconditional))
            + laterRevisions.Values.Sum(r => r.Sum(x => x.Bom.Count(l => !l.Effectivity.IsUnconditional)));

        // Part lines fill the rest of the 10,000, with the rest of the 2,000 effectivity lines among them.
        var lowest = levels[^1];
        var partLineTotal = TotalLines - assemblyLines;
        var partEffectivity = EffectivityLines - assemblyEffectivity;
        var effectivityLeft = partEffectivity;
        foreach (var (number, index) in lowest.Select((n, i) => (n, i)))
        {
            var slots = partLineTotal / lowest.Count + (index < partLineTotal % lowest.Count ? 1 : 0);
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            string NextPart()
            {
                string part;
                do
                {
                    part = parts[rng.Next(parts.Length)];
                }
                while (!used.Add(part));
                return part;
            }
            var lines = new List<BomLine>();
            var find = 0;
            while (lines.Count < slots)
            {
                var roll = rng.NextDouble();
                if (roll < 0.12 && slots - lines.Count >= 2 && effectivityLeft >= 2)
                {
                    // A swap: the same find number holds one part before a serial or a date and another after it.
                    var (before, after) = rng.Next(2) == 0 ? SerialSplit(rng) : DateSplit(rng);
                    var quantity = PartQuantity(rng);
                    lines.Add(new BomLine(FindNumber(find), NextPart(), quantity, [], null, before));
                    lines.Add(new BomLine(FindNumber(find), NextPart(), quantity, [], null, after));
                    effectivityLeft -= 2;
                }
                else if (roll < 0.16 && effectivityLeft >= 1)
                {
                    lines.Add(new BomLine(FindNumber(find), NextPart(), PartQuantity(rng), [], null, SingleEffectivity(rng)));
                    effectivityLeft--;
                }
                else
                {
                    lines.Add(new BomLine(FindNumber(find), NextPart(), PartQuantity(rng), [], null, Effectivity.Always));
                }
                find++;
            }
            bomA[number] = lines;
        }

        // Top up to exactly 2,000 by giving effectivity to plain part lines picked by the same generator.
        var plain = lowest.SelectMany(n => bomA[n].Select((l, i) => (Parent: n, Index: i)))
            .Where(x => bomA[x.Parent][x.Index].Effectivity.IsUnconditional).ToList();
        while (effectivityLeft > 0)
        {
            var pick = rng.Next(plain.Count);
            var (parent, lineIndex) = plain[pick];
            plain.RemoveAt(pick);
            bomA[parent][lineIndex] = bomA[parent][lineIndex] with { Effectivity = SingleEffectivity(rng) };
            effectivityLeft--;
        }

        var catalog = Build(parts, levels, bomA, laterRevisions, rng);
        var items = catalog.Items.ToList();
        var lineCount = items.Sum(i => i.Revisions.Sum(r => r.Bom.Count));
        var effectivityCount = items.Sum(i => i.Revisions.Sum(r => r.Bom.Count(l => !l.Effectivity.IsUnconditional)));
        if (lineCount != TotalLines || effectivityCount != EffectivityLines)
        {
            throw new InvalidOperationException($"Generator produced {lineCount} lines with {effectivityCount} under effectivity; expected {TotalLines} and {EffectivityLines}.");
        }
        return new GeneratedProduct(catalog, ProductNumber, items, lineCount, effectivityCount);
    }

    private static PlmCatalog Build(
        string[] parts,
        List<List<string>> levels,
        Dictionary<string, List<BomLine>> bomA,
        Dictionary<string, List<(DateTimeOffset At, List<BomLine> Bom)>> laterRevisions,
        Random rng)
    {
        // Each step works on a whole batch against one snapshot: a snapshot builds its read index on first use,
        // so folding items in one by one would rebuild it ten thousand times.
        var catalog = PlmCatalog.Empty;
        catalog = catalog.With(parts.Select(p => catalog.CreateItem(new NewItem(p, $"Part {p}", ItemKind.Part), CreatedAt)).ToList());
        catalog = catalog.With(parts.Select(p => catalog.Release(p, "A", BaseRelease)).ToList());

        // About a third of the parts have later revisions, and some of those a third one.
        var revised = parts.Where(_ => rng.NextDouble() < 0.33).ToList();
        var partDates = revised.ToDictionary(p => p, _ => RandomDay(rng));
        catalog = catalog.With(revised.Select(p => catalog.CreateNextRevision(p, null, CreatedAt)).ToList());
        catalog = catalog.With(revised.Select(p => catalog.Release(p, "B", partDates[p])).ToList());
        var thrice = revised.Where(_ => rng.NextDouble() < 0.3).ToList();
        catalog = catalog.With(thrice.Select(p => catalog.CreateNextRevision(p, null, CreatedAt)).ToList());
        catalog = catalog.With(thrice.Select(p => catalog.Release(p, "C", partDates[p].AddDays(90 + rng.Next(300)))).ToList());

        // Children before parents: the lowest assemblies first, the product last.
        for (var level = levels.Count - 1; level >= 0; level--)
        {
            var numbers = levels[level];
            var kind = level == 0 ? ItemKind.Product : ItemKind.Assembly;
            catalog = catalog.With(numbers.Select(n => catalog.CreateItem(new NewItem(n, $"{kind} {n}", kind), CreatedAt)).ToList());
            catalog = catalog.With(numbers.Select(n => catalog.SetBom(n, "A", bomA[n])).ToList());
            catalog = catalog.With(numbers.Select(n => catalog.Release(n, "A", BaseRelease)).ToList());
            var withLater = numbers.Where(laterRevisions.ContainsKey).ToList();
            for (var step = 0; withLater.Count > 0; step++)
            {
                var code = RevisionSequence.Next(step == 0 ? "A" : "B")!;
                catalog = catalog.With(withLater.Select(n => catalog.CreateNextRevision(n, code, CreatedAt)).ToList());
                catalog = catalog.With(withLater.Select(n => catalog.SetBom(n, code, laterRevisions[n][step].Bom)).ToList());
                catalog = catalog.With(withLater.Select(n => catalog.Release(n, code, laterRevisions[n][step].At)).ToList());
                withLater = withLater.Where(n => laterRevisions[n].Count > step + 1).ToList();
            }
        }
        return catalog;
    }

    private static string FindNumber(int index) => ((index + 1) * 10).ToString(CultureInfo.InvariantCulture);

    private static decimal PartQuantity(Random rng) => rng.Next(10) switch
    {
        0 => 0.25m,
        1 => 1.5m,
        var n => n,
    };

    private static DateTimeOffset RandomDay(Random rng) => ChangeWindowStart.AddDays(rng.Next(ChangeWindowDays));

    private static int RandomSerial(Random rng) => rng.Next(100, SerialSpace - 100);

    private static EquatableList<string> RandomLots(Random rng)
    {
        var first = rng.Next(1, 9);
        return new[] { Lot(first), Lot(first + 1) };
    }

    public static string Lot(int n) => "LOT-" + n.ToString("D2", CultureInfo.InvariantCulture);

    private static (Effectivity Before, Effectivity After) SerialSplit(Random rng)
    {
        var last = RandomSerial(rng);
        return (Effectivity.Always with { SerialTo = SerialNumber.Parse(Serial(last)) },
            Effectivity.Always with { SerialFrom = SerialNumber.Parse(Serial(last + 1)) });
    }

    private static (Effectivity Before, Effectivity After) DateSplit(Random rng)
    {
        var cut = RandomDay(rng);
        return (Effectivity.Always with { DateTo = cut }, Effectivity.Always with { DateFrom = cut });
    }

    private static Effectivity SingleEffectivity(Random rng) => rng.Next(4) switch
    {
        0 => Effectivity.Always with { Lots = RandomLots(rng) },
        1 => Effectivity.Always with { DateFrom = RandomDay(rng) },
        2 => Effectivity.Always with
        {
            SerialFrom = SerialNumber.Parse(Serial(RandomSerial(rng))),
            SerialTo = SerialNumber.Parse(Serial(SerialSpace + rng.Next(500))),
        },
        _ => Effectivity.Always with { SerialFrom = SerialNumber.Parse(Serial(RandomSerial(rng))), DateFrom = RandomDay(rng) },
    };

    private static Effectivity AssemblyEffectivity(Random rng) => rng.Next(3) switch
    {
        0 => Effectivity.Always with { SerialFrom = SerialNumber.Parse(Serial(RandomSerial(rng))) },
        1 => Effectivity.Always with { DateFrom = RandomDay(rng) },
        _ => Effectivity.Always with { DateTo = RandomDay(rng) },
    };
}
