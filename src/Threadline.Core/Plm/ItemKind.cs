namespace Threadline.Plm;

/// <summary>What an item is in a product structure. Only assemblies and products may carry BOM lines.</summary>
public enum ItemKind
{
    Part,
    Assembly,
    Product,
}
