using Threadline.Common;
using Threadline.Plm;

namespace Threadline.Plm;

/// <summary>Builds small catalogs through the real rules, so a test states its structure in a few lines.</summary>
internal sealed class CatalogBuilder
{
    public static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public PlmCatalog Catalog { get; private set; } = PlmCatalog.Empty;

    public CatalogBuilder Part(string number, DateTimeOffset? releasedAt = null)
    {
        Catalog = Catalog.With(Catalog.CreateItem(new NewItem(number, "Part " + number, ItemKind.Part), T0));
        if (releasedAt is { } at)
        {
            Catalog = Catalog.With(Catalog.Release(number, "A", at));
        }
        return this;
    }

    public CatalogBuilder Assembly(string number, ItemKind kind = ItemKind.Assembly, params BomLine[] lines)
    {
        Catalog = Catalog.With(Catalog.CreateItem(new NewItem(number, "Assembly " + number, kind), T0));
        Catalog = Catalog.With(Catalog.SetBom(number, "A", lines));
        return this;
    }

    public CatalogBuilder Release(string number, string revision, DateTimeOffset at)
    {
        Catalog = Catalog.With(Catalog.Release(number, revision, at));
        return this;
    }

    public CatalogBuilder NextRevision(string number, params BomLine[] lines)
    {
        var item = Catalog.CreateNextRevision(number, null, T0);
        Catalog = Catalog.With(item);
        Catalog = Catalog.With(Catalog.SetBom(number, item.WorkingRevision!.Code, lines));
        return this;
    }

    public static BomLine Line(string find, string child, decimal quantity = 1, Effectivity? effectivity = null, string? pin = null) =>
        new(find, child, quantity, EquatableList<string>.Empty, pin, effectivity ?? Effectivity.Always);

    public static Effectivity Serials(string? from, string? to) =>
        new(from is null ? null : SerialNumber.Parse(from), to is null ? null : SerialNumber.Parse(to), null, null, []);

    public static Effectivity Dates(DateTimeOffset? from, DateTimeOffset? to) => new(null, null, from, to, []);

    public static Effectivity Lots(params string[] lots) => new(null, null, null, null, lots);

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);
}
