using System.Buffers;
using System.Text.Json;
using Threadline.Telemetry;

namespace Threadline.Features.Ingestion;

/// <summary>
/// Why a UNS message was dead-lettered; each is also the topic level under {prefix}/_deadletter/. Sparkplug B
/// messages carry the Sparkplug host's own reasons (unknown-alias, malformed-payload...).
/// </summary>
public static class DeadLetterReasons
{
    public const string MalformedJson = "malformed-json";
    public const string NonNumeric = "non-numeric";
    public const string NotFinite = "not-finite";
    public const string MissingValue = "missing-value";
    public const string BadTimestamp = "bad-timestamp";
    public const string BadQuality = "bad-quality";
    public const string SignalMismatch = "signal-mismatch";
    public const string Oversized = "oversized";
    public const string BadTopic = "bad-topic";
}

/// <summary>A UNS topic split into what the pipeline needs: {prefix}/.../{assetId}/{signal}.</summary>
public readonly record struct UnsTopic(string AssetId, string Signal)
{
    /// <summary>
    /// Parses a topic under <paramref name="prefix"/>. False with a null reason for a topic outside the namespace or in
    /// its reserved folders (a level after the prefix starting with '_', such as _deadletter): not ours to ingest.
    /// False with a reason for a topic in the namespace that does not end in {assetId}/{signal}.
    /// </summary>
    public static bool TryParse(string topic, string prefix, out UnsTopic parsed, out string? reason)
    {
        parsed = default;
        reason = null;
        if (topic.Length <= prefix.Length + 1 || !topic.StartsWith(prefix, StringComparison.Ordinal) || topic[prefix.Length] != '/')
        {
            return false;
        }
        var rest = topic.AsSpan(prefix.Length + 1);
        if (rest.Length > 0 && rest[0] == '_')
        {
            return false;
        }
        var lastSlash = rest.LastIndexOf('/');
        if (lastSlash <= 0 || lastSlash == rest.Length - 1)
        {
            reason = DeadLetterReasons.BadTopic;
            return false;
        }
        var signal = rest[(lastSlash + 1)..];
        var head = rest[..lastSlash];
        var assetStart = head.LastIndexOf('/') + 1;
        var asset = head[assetStart..];
        if (asset.IsEmpty)
        {
            reason = DeadLetterReasons.BadTopic;
            return false;
        }
        if (asset[0] == '_')
        {
            // Threadline's own branches under an asset ({asset path}/_twin/health_score): published by the twins, not telemetry.
            return false;
        }
        parsed = new UnsTopic(asset.ToString(), signal.ToString());
        return true;
    }
}

/// <summary>
/// One decoded UNS payload. <see cref="Timestamp"/> is the time at source, or null when the payload carried none
/// (a bare number, or an envelope without timestamp): the pipeline then stamps the arrival time.
/// </summary>
public readonly record struct UnsMeasurement(
    double Value,
    DateTimeOffset? Timestamp,
    string? DeviceId,
    string? Name,
    string? Unit,
    TelemetryQuality Quality,
    long? Seq);

/// <summary>
/// Decodes the JSON envelope of seed 002, or a bare number, with a forward-only <see cref="Utf8JsonReader"/>:
/// no DOM and no reflection on the hot path. Unknown fields are skipped, so publishers may add their own.
/// </summary>
public static class UnsPayloadDecoder
{
    public static bool TryDecode(ReadOnlySequence<byte> payload, out UnsMeasurement measurement, out string? reason, out string? detail)
    {
        measurement = default;
        detail = null;
        try
        {
            return Decode(payload, out measurement, out reason, ref detail);
        }
        catch (JsonException ex)
        {
            reason = LooksLikeNonFiniteLiteral(payload) ? DeadLetterReasons.NotFinite : DeadLetterReasons.MalformedJson;
            detail = ex.Message;
            return false;
        }
    }

    private static bool Decode(ReadOnlySequence<byte> payload, out UnsMeasurement measurement, out string? reason, ref string? detail)
    {
        measurement = default;
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read())
        {
            reason = DeadLetterReasons.MalformedJson;
            detail = "empty payload";
            return false;
        }
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!TryNumber(ref reader, out var bare, out reason))
            {
                return false;
            }
            if (reader.Read())
            {
                reason = DeadLetterReasons.MalformedJson;
                detail = "text after the number";
                return false;
            }
            measurement = new UnsMeasurement(bare, null, null, null, null, TelemetryQuality.Good, null);
            return true;
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            reason = StringValueReason(ref reader);
            return false;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reason = DeadLetterReasons.MalformedJson;
            detail = "neither an envelope object nor a number";
            return false;
        }

        DateTimeOffset? timestamp = null;
        string? deviceId = null, name = null, unit = null;
        double? value = null;
        long? seq = null;
        var quality = TelemetryQuality.Good;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("timestamp"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Null)
                {
                    if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var at))
                    {
                        reason = DeadLetterReasons.BadTimestamp;
                        detail = "timestamp must be an ISO 8601 date and time with offset, for example 2026-03-14T08:30:00.123Z";
                        return false;
                    }
                    // Without an offset the time is UTC, as everywhere in Threadline's API, not the server's zone.
                    timestamp = HasOffset(reader.ValueSpan) ? at.ToUniversalTime() : new DateTimeOffset(at.DateTime, TimeSpan.Zero);
                }
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s))
                {
                    seq = s;
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    reason = DeadLetterReasons.MalformedJson;
                    detail = "seq must be an integer";
                    return false;
                }
            }
            else if (reader.ValueTextEquals("source"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("device_id"u8))
                        {
                            reader.Read();
                            deviceId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("measurement"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reason = DeadLetterReasons.MalformedJson;
                    detail = "measurement must be an object";
                    return false;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("value"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Number)
                        {
                            if (!TryNumber(ref reader, out var v, out reason))
                            {
                                return false;
                            }
                            value = v;
                        }
                        else if (reader.TokenType == JsonTokenType.String)
                        {
                            reason = StringValueReason(ref reader);
                            return false;
                        }
                        else if (reader.TokenType == JsonTokenType.Null)
                        {
                            value = null;
                        }
                        else
                        {
                            reason = DeadLetterReasons.NonNumeric;
                            reader.Skip();
                            return false;
                        }
                    }
                    else if (reader.ValueTextEquals("name"u8))
                    {
                        reader.Read();
                        name = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("unit"u8))
                    {
                        reader.Read();
                        unit = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("quality"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            if (!Enum.TryParse(reader.GetString(), ignoreCase: true, out quality) || !Enum.IsDefined(quality))
                            {
                                reason = DeadLetterReasons.BadQuality;
                                detail = "quality must be Good, Uncertain or Bad";
                                return false;
                            }
                        }
                        else if (reader.TokenType != JsonTokenType.Null)
                        {
                            reason = DeadLetterReasons.BadQuality;
                            detail = "quality must be Good, Uncertain or Bad";
                            return false;
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            reason = DeadLetterReasons.MalformedJson;
            detail = "the envelope is not one JSON object";
            return false;
        }
        if (value is null)
        {
            reason = DeadLetterReasons.MissingValue;
            detail = "measurement.value is missing";
            return false;
        }
        measurement = new UnsMeasurement(value.Value, timestamp, deviceId, name, unit, quality, seq);
        reason = null;
        return true;
    }

    private static bool HasOffset(ReadOnlySpan<byte> text) =>
        text.Length > 0 && (text[^1] is (byte)'Z' or (byte)'z'
            || (text.Length >= 6 && text[^6] is (byte)'+' or (byte)'-' && text[^3] == (byte)':'));

    private static bool TryNumber(ref Utf8JsonReader reader, out double value, out string? reason)
    {
        // Utf8JsonReader refuses a number that overflows double (1e400) rather than returning infinity.
        if (!reader.TryGetDouble(out value) || !double.IsFinite(value))
        {
            reason = DeadLetterReasons.NotFinite;
            return false;
        }
        reason = null;
        return true;
    }

    private static string StringValueReason(ref Utf8JsonReader reader)
    {
        var text = reader.GetString();
        return IsNonFiniteWord(text) ? DeadLetterReasons.NotFinite : DeadLetterReasons.NonNumeric;
    }

    private static bool IsNonFiniteWord(string? text) =>
        text is not null && (text.Equals("NaN", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart('+', '-').Equals("Infinity", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart('+', '-').Equals("inf", StringComparison.OrdinalIgnoreCase));

    private static bool LooksLikeNonFiniteLiteral(ReadOnlySequence<byte> payload)
    {
        // Some JSON writers (Python's json.dumps) emit bare NaN or Infinity, which is not JSON; call it what it means.
        if (payload.Length > 4096)
        {
            return false;
        }
        var text = System.Text.Encoding.UTF8.GetString(payload.ToArray()).Trim();
        if (IsNonFiniteWord(text))
        {
            return true;
        }
        return text.Contains(":NaN", StringComparison.Ordinal) || text.Contains(": NaN", StringComparison.Ordinal)
            || text.Contains("Infinity", StringComparison.Ordinal);
    }
}
