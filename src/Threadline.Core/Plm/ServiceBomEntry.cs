using Threadline.Common;

namespace Threadline.Plm;

/// <summary>
/// A field-replaceable item on a product revision's service BOM. <see cref="FindNumberPath"/> names the eBOM line it
/// covers, through each level ("20/10" is line 10 inside the assembly at line 20). <see cref="ServiceParts"/> are the
/// item numbers a technician may install in its place; empty means the item itself.
/// </summary>
public sealed record ServiceBomEntry(
    string FindNumberPath,
    string Item,
    double? ReplacementIntervalHours,
    EquatableList<string> ServiceParts,
    string? LabourOperation)
{
    public IReadOnlyList<string> FindNumbers => FindNumberPath.Split('/', StringSplitOptions.TrimEntries);
}
