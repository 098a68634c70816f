using Threadline.Common;

namespace Threadline.Plm;

/// <summary>
/// A part, assembly or product, identified by its <see cref="Number"/> (compared without regard to case).
/// Revisions are kept in creation order; at most one of them is being worked on (Draft or InReview) at a time.
/// </summary>
public sealed record Item(
    string Number,
    string Name,
    ItemKind Kind,
    string Uom,
    string? Family,
    EquatableList<ItemRevision> Revisions)
{
    public ItemRevision? FindRevision(string code) =>
        Revisions.FirstOrDefault(r => string.Equals(r.Code, code, StringComparison.OrdinalIgnoreCase));

    public ItemRevision GetRevision(string code) => FindRevision(code) ?? throw PlmRuleException.UnknownRevision(Number, code);

    /// <summary>The revision in effect on a date, or null when none had been released by then.</summary>
    public ItemRevision? RevisionInEffect(DateTimeOffset at)
    {
        // Revisions are few per item; a scan beats keeping a second index in step.
        for (var i = Revisions.Count - 1; i >= 0; i--)
        {
            if (Revisions[i].InEffectOn(at))
            {
                return Revisions[i];
            }
        }
        return null;
    }

    /// <summary>The revision being worked on (Draft or InReview), if any.</summary>
    public ItemRevision? WorkingRevision =>
        Revisions.FirstOrDefault(r => r.State is LifecycleState.Draft or LifecycleState.InReview);

    /// <summary>The most recently released revision that is still current (state Released), if any.</summary>
    public ItemRevision? CurrentRelease => Revisions.LastOrDefault(r => r.State == LifecycleState.Released);

    public Item WithRevision(ItemRevision revision)
    {
        var revisions = Revisions.Select(r => string.Equals(r.Code, revision.Code, StringComparison.OrdinalIgnoreCase) ? revision : r).ToList();
        if (FindRevision(revision.Code) is null)
        {
            revisions.Add(revision);
        }
        return this with { Revisions = revisions };
    }
}
