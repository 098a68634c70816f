using System.Text.Json;
using System.Text.Json.Serialization;

namespace Threadline.Twins;

/// <summary>
/// The persisted form of a <see cref="TwinState"/> (and of <see cref="TwinEvent"/>s): camel-case JSON, defaults left out,
/// enums by name, and the many small baseline cells and daily buckets as bare arrays
/// (<c>[count, mean, variance]</c>, <c>[day, count, mean, min, max]</c>) since their field names would otherwise be most of
/// the text. Numbers keep full precision (single-precision ones are read back bit for bit), so a state read back continues exactly where it left off.
/// </summary>
public static class TwinStateJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(TwinState state) => JsonSerializer.Serialize(state, Options);

    public static TwinState Deserialize(string json) =>
        JsonSerializer.Deserialize<TwinState>(json, Options) ?? throw new JsonException("A twin state cannot be null.");

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
            Converters = { new JsonStringEnumConverter(), new BaselineCellConverter(), new DailyBucketConverter(), new SharedStringConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private sealed class BaselineCellConverter : JsonConverter<BaselineCell>
    {
        public override BaselineCell Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            Span<double> v = stackalloc double[3];
            ReadNumbers(ref reader, v);
            return new BaselineCell((int)v[0], (float)v[1], (float)v[2]);
        }

        public override void Write(Utf8JsonWriter writer, BaselineCell value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(value.Count);
            if (value.Count > 0)
            {
                writer.WriteNumberValue(value.Mean);
                writer.WriteNumberValue(value.Variance);
            }
            writer.WriteEndArray();
        }
    }

    private sealed class DailyBucketConverter : JsonConverter<DailyBucket>
    {
        public override DailyBucket Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            Span<double> v = stackalloc double[5];
            ReadNumbers(ref reader, v);
            return new DailyBucket((int)v[0], (int)v[1], (float)v[2], (float)v[3], (float)v[4]);
        }

        public override void Write(Utf8JsonWriter writer, DailyBucket value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(value.Day);
            writer.WriteNumberValue(value.Count);
            writer.WriteNumberValue(value.Mean);
            writer.WriteNumberValue(value.Min);
            writer.WriteNumberValue(value.Max);
            writer.WriteEndArray();
        }
    }

    /// <summary>
    /// Reads short strings (signal names, ids, units, revisions, asset ids) as one shared instance each: they repeat in every
    /// twin, and 100,000 twins read back would otherwise hold 100,000 copies of each. Messages are longer and left alone.
    /// </summary>
    private sealed class SharedStringConverter : JsonConverter<string>
    {
        private const int MaxShared = 40;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { Length: <= MaxShared } text ? string.Intern(text) : reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    // Missing trailing numbers read as 0: an empty baseline cell is written as [0].
    private static void ReadNumbers(ref Utf8JsonReader reader, scoped Span<double> values)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of numbers.");
        }
        var i = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (i < values.Length)
            {
                values[i] = reader.GetDouble();
            }
            i++;
        }
    }
}
