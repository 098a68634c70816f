namespace Threadline.Plm.Import;

/// <summary>
/// One parsed row of a BOM import: a parent revision's line to a child. <see cref="Line"/> is the physical line
/// in the file (the header is line 1), so every report points at the row a user must fix.
/// </summary>
public sealed record BomImportRow(
    int Line,
    string Parent,
    string ParentRevision,
    string? ParentName,
    DateTimeOffset? ParentReleased,
    BomLine BomLine,
    string ChildName,
    ItemKind ChildKind,
    string? ChildUom,
    string ChildRevision,
    DateTimeOffset? ChildReleased);

/// <summary>
/// A row the import refused, with the reason. <see cref="Parent"/> and <see cref="ParentRevision"/> are kept when
/// they could be read, so that the rest of that parent revision's rows are held back too.
/// </summary>
public sealed record RejectedRow(int Line, string Reason, string? Parent = null, string? ParentRevision = null);

/// <summary>What an import did. Counts are of records actually changed, so a second run of the same file reports zeros.</summary>
public sealed record BomImportReport(
    int Rows,
    int ItemsCreated,
    int RevisionsCreated,
    int BomsWritten,
    int BomsUnchanged,
    int RevisionsReleased,
    IReadOnlyList<RejectedRow> Rejected)
{
    public bool Clean => Rejected.Count == 0;
}
