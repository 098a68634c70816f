using System.Globalization;
using System.Text.Json;

namespace Threadline.Prediction.Anomaly;

/// <summary>One NAB series: its name relative to the data folder (e.g. realKnownCause/nyc_taxi.csv), rows and labelled windows.</summary>
public sealed record NabSeries(string Name, DateTime[] Timestamps, double[] Values, IReadOnlyList<AnomalyWindow> Windows);

/// <summary>Reads the NAB corpus: data/**/*.csv files of timestamp,value rows and labels/combined_windows.json.</summary>
public static class NabCorpus
{
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    /// <summary>Every labelled series found under <paramref name="dataDirectory"/>, in name order.</summary>
    public static IReadOnlyList<NabSeries> Load(string dataDirectory, string windowsPath)
    {
        var labels = ReadWindows(windowsPath);
        var series = new List<NabSeries>();
        foreach (var (name, windows) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(dataDirectory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            var (timestamps, values) = ReadSeries(path);
            series.Add(new NabSeries(name, timestamps, values, windows));
        }

        return series;
    }

    /// <summary>The labelled windows per file name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<AnomalyWindow>> ReadWindows(string windowsPath)
    {
        using var stream = File.OpenRead(windowsPath);
        var raw = JsonSerializer.Deserialize<Dictionary<string, string[][]>>(stream)
            ?? throw new InvalidDataException($"{windowsPath} holds no windows.");
        return raw.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<AnomalyWindow>)kv.Value.Select(w => new AnomalyWindow(ParseTimestamp(w[0]), ParseTimestamp(w[1]))).ToArray());
    }

    /// <summary>Reads a timestamp,value CSV with a header row.</summary>
    public static (DateTime[] Timestamps, double[] Values) ReadSeries(string path)
    {
        var timestamps = new List<DateTime>();
        var values = new List<double>();
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var comma = line.IndexOf(',', StringComparison.Ordinal);
            timestamps.Add(ParseTimestamp(line[..comma]));
            values.Add(double.Parse(line[(comma + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return (timestamps.ToArray(), values.ToArray());
    }

    private static DateTime ParseTimestamp(string text) =>
        DateTime.ParseExact(text.Trim(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
