using System.Collections.Concurrent;
using Threadline.Assets;
using Threadline.Common;
using Threadline.Plm;
using Threadline.TwinModels;
using Threadline.Twins;

namespace Threadline.Features.Twins;

/// <summary>
/// The twin model of a unit, from PLM: the twin model document of the revision the unit is at (or, where that revision
/// declares none, a model of the signals its design limits name), compiled once and bound to that revision's limits.
/// Every unit at one revision shares one model instance, so a model that is the same object as before means nothing the
/// twin reads has changed.
/// </summary>
public sealed class TwinModelResolver
{
    private readonly ConcurrentDictionary<string, TwinFamilyModel> _compiled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Item, string Revision, string Document, EquatableList<DesignLimit> Limits), TwinModel> _bound = new();

    /// <summary>The model of a registered unit, or null when its revision declares neither a document nor limits; an item or revision PLM does not know, or a limit in another unit than the model's signal, is a <see cref="PlmRuleException"/>.</summary>
    public TwinModel? ModelFor(PlmCatalog catalog, Asset asset) => ModelFor(catalog.Get(asset.Item), asset.Revision);

    public TwinModel? ModelFor(Item item, string revisionCode)
    {
        var revision = item.GetRevision(revisionCode);
        if ((revision.TwinModel ?? TwinModelDocument.FromLimits(revision)) is not { } document)
        {
            return null;
        }
        var key = (item.Number, revision.Code, document.CanonicalJson, revision.Limits);
        if (_bound.TryGetValue(key, out var model))
        {
            return model;
        }
        var family = _compiled.GetOrAdd(item.Number + "\n" + document.CanonicalJson, _ => TwinModelCompiler.Compile(document, item));
        return _bound.GetOrAdd(key, _ => TwinModel.For(family, item.Number, revision));
    }
}
