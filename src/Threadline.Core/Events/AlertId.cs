using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Threadline.Events;

/// <summary>
/// The identity of one alert for its whole life: raised, changed band, cleared (and acknowledged, later) carry the same id.
/// Made from the asset, the alert's key ("limit:flow", "rule:cavitation") and the source-clock instant it was raised, so
/// the same conclusion drawn twice (a twin catching up on readings a crashed server had judged) gets the same id.
/// </summary>
[JsonConverter(typeof(AlertIdJsonConverter))]
public readonly record struct AlertId(string Value)
{
    public static AlertId For(string assetId, string key, DateTimeOffset raisedAt) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{assetId}/{key}@{raisedAt.ToUnixTimeMilliseconds()}"));

    public bool IsEmpty => string.IsNullOrEmpty(Value);

    public override string ToString() => Value;
}

/// <summary>An <see cref="AlertId"/> travels as its plain text.</summary>
public sealed class AlertIdJsonConverter : JsonConverter<AlertId>
{
    public override AlertId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, AlertId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}
