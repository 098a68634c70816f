using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Threadline.Plm;
using Threadline.Plm.Import;

namespace Threadline.Api;

/// <summary>
/// Reads an import CSV with a header: checks the columns once, then hands each data row to a parser. A row that
/// cannot be understood becomes a <see cref="RejectedRow"/> with its physical line number; the file as a whole is
/// refused (<see cref="UnreadableFileException"/>) only when its header is.
/// </summary>
public static class CsvImport
{
    /// <summary>Thrown when the file as a whole cannot be read (no header, a required column missing, an unknown column).</summary>
    public sealed class UnreadableFileException(string message) : Exception(message);

    public static (List<T> Rows, List<RejectedRow> Errors) Read<T>(
        TextReader reader,
        IReadOnlyList<string> requiredColumns,
        IReadOnlyList<string> optionalColumns,
        Func<int, Func<string, string?>, T> parseRow,
        Func<Func<string, string?>, RejectedRowContext>? describe = null,
        Action<int>? rowRead = null)
    {
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            TrimOptions = TrimOptions.Trim,
            PrepareHeaderForMatch = args => args.Header.Trim().ToLowerInvariant(),
            BadDataFound = null,
            DetectColumnCountChanges = false,
        };
        using var csv = new CsvReader(reader, config);
        if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is null)
        {
            throw new UnreadableFileException("The file is empty: the first line must be the header.");
        }
        var header = csv.HeaderRecord.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = requiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new UnreadableFileException($"Line 1 (header) lacks the required column(s) {string.Join(", ", missing)}. Required: {string.Join(", ", requiredColumns)}.");
        }
        var unknown = header.Where(h => !requiredColumns.Contains(h) && !optionalColumns.Contains(h)).ToList();
        if (unknown.Count > 0)
        {
            throw new UnreadableFileException($"Line 1 (header) has column(s) this format does not know: {string.Join(", ", unknown)}. Known: {string.Join(", ", requiredColumns.Concat(optionalColumns))}.");
        }

        var rows = new List<T>();
        var errors = new List<RejectedRow>();
        while (csv.Read())
        {
            var line = csv.Parser.RawRow;
            string? Field(string name) => header.Contains(name) && csv.TryGetField<string>(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
            if (csv.Parser.Record is { } record && record.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }
            try
            {
                rows.Add(parseRow(line, Field));
            }
            catch (Exception ex) when (ex is PlmRuleException or FormatException)
            {
                var context = describe?.Invoke(Field);
                errors.Add(new RejectedRow(line, ex.Message, context?.Parent, context?.ParentRevision));
            }
            rowRead?.Invoke(line);
        }
        return (rows, errors);
    }

    public static List<string> SplitList(string? text) =>
        text is null ? [] : [.. text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}

/// <summary>What a rejected row was about, for the report (for a BOM row: its parent and revision).</summary>
public sealed record RejectedRowContext(string? Parent, string? ParentRevision);
