using System.Collections.Concurrent;
using Threadline.Assets;
using Threadline.Plm;
using Threadline.TwinModels;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// The twin model of a unit, from PLM: the twin model document of the revision the unit is at (or, where that revision
/// declares none, a model of the signals its design limits name), compiled once and bound to that revision's limits.
/// Every unit at one revision shares one model instance, so a model that is the same object as before means nothing the
/// twin reads has changed. One entry is kept per item revision, replaced when its document, limits or item name change.
/// </summary>
public sealed class TwinModelResolver
{
    private sealed record Entry(ItemRevision Revision, string ItemName, TwinModel? Model);

    private readonly ConcurrentDictionary<(string Item, string Revision), Entry> _models = new();

    /// <summary>The model of a registered unit, or null when its revision declares neither a document nor limits; an item or revision PLM does not know, or a limit in another unit than the model's signal, is a <see cref="PlmRuleException"/>.</summary>
    public TwinModel? ModelFor(PlmCatalog catalog, Asset asset) => ModelFor(catalog.Get(asset.Item), asset.Revision);

    public TwinModel? ModelFor(Item item, string revisionCode)
    {
        var revision = item.GetRevision(revisionCode);
        var key = (item.Number, revision.Code);
        if (_models.TryGetValue(key, out var known) && Same(known, revision, item.Name))
        {
            return known.Model;
        }
        var model = (revision.TwinModel ?? TwinModelDocument.FromLimits(revision)) is { } document
            ? TwinModel.For(TwinModelCompiler.Compile(document, item), item.Number, revision)
            : null;
        // Two callers racing on a change compile twice; the last one's entry wins, and both models are equivalent.
        _models[key] = new Entry(revision, item.Name, model);
        return model;
    }

    // A snapshot that did not touch the item keeps the very same revision record; otherwise compare what the model reads.
    private static bool Same(Entry known, ItemRevision revision, string itemName) =>
        known.ItemName == itemName
        && (ReferenceEquals(known.Revision, revision)
            || (known.Revision.Limits == revision.Limits && Equals(known.Revision.TwinModel, revision.TwinModel)));
}
