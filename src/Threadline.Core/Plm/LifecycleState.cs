namespace Threadline.Plm;

/// <summary>
/// The lifecycle of an item revision. Draft → InReview → Released → Superseded is the main path;
/// Obsolete and Archived retire a revision without erasing its history.
/// Only a Draft can be edited; from Released on, a revision's content never changes.
/// </summary>
public enum LifecycleState
{
    Draft,
    InReview,
    Released,
    Superseded,
    Obsolete,
    Archived,
}

/// <summary>The allowed lifecycle steps, in one place.</summary>
public static class Lifecycle
{
    /// <summary>Whether a revision's content (BOM, limits, service BOM) may be changed in this state.</summary>
    public static bool IsEditable(LifecycleState state) => state == LifecycleState.Draft;

    /// <summary>Whether a revision has been released at some point, so it has an effectivity window.</summary>
    public static bool WasReleased(LifecycleState state) =>
        state is LifecycleState.Released or LifecycleState.Superseded or LifecycleState.Obsolete or LifecycleState.Archived;

    /// <summary>
    /// Steps other than release and supersession, which the catalog performs itself
    /// (release needs the effective date and the children check; supersession follows a release).
    /// </summary>
    public static bool CanMove(LifecycleState from, LifecycleState to) => (from, to) switch
    {
        (LifecycleState.Draft, LifecycleState.InReview) => true,
        (LifecycleState.InReview, LifecycleState.Draft) => true,
        (LifecycleState.Released or LifecycleState.Superseded, LifecycleState.Obsolete) => true,
        (LifecycleState.Released or LifecycleState.Superseded or LifecycleState.Obsolete, LifecycleState.Archived) => true,
        _ => false,
    };
}
