namespace Threadline.Storage.Migrations;

/// <summary>
/// Converts the rows written before events were typed (kind strings such as "limit-crossed", "twin-alert",
/// "twin-alert-cleared", "device-online" or a signal's name, severity as text, the rest in "details") into the typed
/// columns, for the TypedEvents migration of each provider. Only the time and JSON functions differ between SQLite and
/// PostgreSQL; every other statement is the same on both.
/// </summary>
internal static class TypedEventsSql
{
    private const string Table = "asset_lifecycle_events";

    public static IEnumerable<string> Up(bool postgres)
    {
        var unixMs = postgres
            ? "floor(extract(epoch from at) * 1000)::bigint"
            // EF Core stores a DateTimeOffset on SQLite as ISO text with its offset, which julianday() reads.
            : "CAST(ROUND((julianday(at) - 2440587.5) * 86400000.0) AS INTEGER)";
        string Json(string field) => postgres ? $"(details::jsonb ->> '{field}')" : $"json_extract(details, '$.{field}')";

        yield return $"UPDATE {Table} SET at_unix_ms = {unixMs}";
        yield return $"UPDATE {Table} SET site = (SELECT a.site FROM assets a WHERE a.id = {Table}.asset_id)";
        yield return $"UPDATE {Table} SET source = substr(details, 8) WHERE details LIKE 'source=%'";
        yield return $"""
            UPDATE {Table} SET severity = CASE lower(severity) WHEN 'info' THEN 'Info' WHEN 'warning' THEN 'Warning'
                WHEN 'critical' THEN 'Critical' END
            WHERE severity IS NOT NULL
            """;
        // Ingestion wrote one row per limit and direction; the text said which direction.
        yield return $"""
            UPDATE {Table} SET alert_kind = 'Limit', alert_key = 'limit:' || signal, message = details,
                kind = CASE WHEN details LIKE 'direction=in%' THEN 'AlertCleared' ELSE 'AlertRaised' END
            WHERE kind = 'limit-crossed'
            """;
        // The twin wrote the alert as JSON; a change of band was written as another raise.
        yield return $"""
            UPDATE {Table} SET alert_kind = {Json("kind")}, alert_key = {Json("key")}, message = {Json("message")},
                kind = CASE kind WHEN 'twin-alert-cleared' THEN 'AlertCleared' ELSE 'AlertRaised' END
            WHERE kind IN ('twin-alert', 'twin-alert-cleared')
            """;
        yield return $"""
            UPDATE {Table} SET alert_id = asset_id || '/' || alert_key || '@' || at_unix_ms
            WHERE kind = 'AlertRaised' AND alert_key IS NOT NULL
            """;
        // A clear belongs to the latest raise of the same alert before it (for old limit rows, of the same severity,
        // since they were one alert per limit); a clear without one keeps an id of its own.
        yield return $"""
            UPDATE {Table} SET alert_id = COALESCE(
                (SELECT r.alert_id FROM {Table} r
                 WHERE r.asset_id = {Table}.asset_id AND r.alert_key = {Table}.alert_key AND r.kind = 'AlertRaised'
                   AND r.at_unix_ms <= {Table}.at_unix_ms
                   AND ({Table}.alert_kind <> 'Limit' OR r.severity = {Table}.severity)
                 ORDER BY r.at_unix_ms DESC, r.id DESC LIMIT 1),
                asset_id || '/' || alert_key || '@' || at_unix_ms)
            WHERE kind = 'AlertCleared' AND alert_key IS NOT NULL
            """;
        yield return $"UPDATE {Table} SET kind = 'DeviceOnline' WHERE kind = 'device-online'";
        yield return $"UPDATE {Table} SET kind = 'DeviceOffline' WHERE kind = 'device-offline'";
        // Any other kind was the name of a signal configured as a lifecycle event.
        yield return $"""
            UPDATE {Table} SET signal = COALESCE(signal, kind), kind = 'SignalEvent'
            WHERE kind NOT IN ('AlertRaised', 'AlertChanged', 'AlertCleared', 'DeviceOnline', 'DeviceOffline')
            """;
    }

    /// <summary>Back to the old kind strings, as near as they go (a change of band becomes a twin alert again).</summary>
    public static IEnumerable<string> Down()
    {
        yield return $"""
            UPDATE {Table} SET kind = CASE
                WHEN kind = 'DeviceOnline' THEN 'device-online'
                WHEN kind = 'DeviceOffline' THEN 'device-offline'
                WHEN kind = 'SignalEvent' THEN COALESCE(signal, 'signal-event')
                WHEN kind = 'AlertCleared' THEN 'twin-alert-cleared'
                WHEN kind IN ('AlertRaised', 'AlertChanged') THEN 'twin-alert'
                ELSE lower(kind) END
            """;
    }
}
