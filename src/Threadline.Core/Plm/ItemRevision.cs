using Threadline.Common;

namespace Threadline.Plm;

/// <summary>
/// One revision of an item, with its engineering BOM, design limits, service BOM and, for a product, its twin model
/// document (<see cref="TwinModel"/>, null when the revision declares none).
/// A released revision is in effect from <see cref="EffectiveFrom"/> (inclusive) until <see cref="SupersededAt"/>
/// (exclusive, when the next revision takes effect); both are UTC instants chosen at release, not the wall clock
/// of the request, so history can be loaded with past dates.
/// </summary>
public sealed record ItemRevision(
    string Code,
    LifecycleState State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EffectiveFrom,
    DateTimeOffset? SupersededAt,
    EquatableList<BomLine> Bom,
    EquatableList<DesignLimit> Limits,
    EquatableList<ServiceBomEntry> ServiceBom,
    Twins.TwinModelDocument? TwinModel = null)
{
    public static ItemRevision NewDraft(string code, DateTimeOffset createdAt) =>
        new(code, LifecycleState.Draft, createdAt, null, null, [], [], []);

    /// <summary>Whether this revision is the one in effect on a date: released on or before it, not yet superseded.</summary>
    public bool InEffectOn(DateTimeOffset at) =>
        Lifecycle.WasReleased(State) && EffectiveFrom is { } from && from <= at && (SupersededAt is not { } until || at < until);
}
