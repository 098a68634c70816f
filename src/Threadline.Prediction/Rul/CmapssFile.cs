using System.Globalization;

namespace Threadline.Prediction.Rul;

/// <summary>
/// Reads NASA C-MAPSS text files: one cycle per line, space separated, columns unit, cycle, 3 operating settings, 21 sensors.
/// Any file of that shape works (FD001 to FD004, or a fleet export written the same way).
/// </summary>
public static class CmapssFile
{
    /// <summary>Settings columns in a C-MAPSS row.</summary>
    public const int SettingCount = 3;

    /// <summary>Units in file order, each with its cycles in the order they appear.</summary>
    public static IReadOnlyList<UnitHistory> Read(string path) => Parse(File.ReadLines(path));

    /// <summary>Parses C-MAPSS rows; the number of sensor columns is taken from the first row.</summary>
    public static IReadOnlyList<UnitHistory> Parse(IEnumerable<string> lines)
    {
        var units = new List<UnitHistory>();
        var current = new List<CycleObservation>();
        var currentUnit = -1;
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0)
            {
                continue;
            }

            if (parts.Length < 2 + SettingCount + 1)
            {
                throw new FormatException($"Line {lineNumber} has {parts.Length} columns; C-MAPSS rows need unit, cycle, 3 settings and sensors.");
            }

            var values = parts.Select(p => double.Parse(p, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            var unit = (int)values[0];
            if (unit != currentUnit && current.Count > 0)
            {
                units.Add(new UnitHistory(currentUnit, current));
                current = [];
            }

            currentUnit = unit;
            current.Add(new CycleObservation((int)values[1], values[2..(2 + SettingCount)], values[(2 + SettingCount)..]));
        }

        if (current.Count > 0)
        {
            units.Add(new UnitHistory(currentUnit, current));
        }

        return units;
    }

    /// <summary>Reads a truth file (RUL_FDxxx.txt): the true remaining cycles after the last test cycle, one unit per line.</summary>
    public static IReadOnlyList<double> ReadTruth(string path) =>
        File.ReadLines(path)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => double.Parse(l.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();
}
