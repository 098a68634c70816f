using Threadline.Common;

namespace Threadline.Plm;

/// <summary>
/// One line of an engineering BOM: <see cref="Quantity"/> of <see cref="Child"/> (in the child's unit of measure)
/// at position <see cref="FindNumber"/>, under an <see cref="Effectivity"/>. Without <see cref="PinnedRevision"/>
/// the child's revision is the one in effect on the date asked; with it, always that revision.
/// </summary>
public sealed record BomLine(
    string FindNumber,
    string Child,
    decimal Quantity,
    EquatableList<string> ReferenceDesignators,
    string? PinnedRevision,
    Effectivity Effectivity);
