using Npgsql;

namespace Threadline.Features.Twins.Clustering;

/// <summary>
/// Threadline's own PostgreSQL implementation of the query contract of Orleans' ADO.NET clustering provider
/// (Microsoft.Orleans.Clustering.AdoNet): two tables for the membership and the text of each query the provider runs,
/// stored by key in <c>OrleansQuery</c> where the provider reads them when the silo starts
/// (<c>SELECT QueryKey, QueryText FROM OrleansQuery</c>). Installed before the silo's membership starts, idempotently.
/// </summary>
/// <remarks>
/// The contract, as the provider uses it: parameters are bound by name (@DeploymentId is the cluster id; a silo is
/// @Address, @Port, @Generation; @Version is the table version the caller read, its optimistic-concurrency token;
/// @Status is Orleans' SiloStatus as an integer, 3 Active and 6 Dead; times are UTC). Reads return one row per silo
/// with the columns Version, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, SuspectTimes,
/// StartTime, IAmAliveTime, and always at least one row carrying the table version (silo columns null when there is
/// no silo); writes guarded by @Version return a single boolean column. Result column names are matched
/// case-insensitively, so the aliases below may fold to lower case.
/// </remarks>
internal sealed class PostgresMembershipSchema(PostgresMembershipSchema.Database database, ILogger<PostgresMembershipSchema> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>The membership database's Npgsql connection string.</summary>
    public sealed record Database(string ConnectionString);

    // Any constant works as long as only this installer takes it: it serialises servers that start together.
    private const long InstallLock = 0x7468_7265_6164_6c6e; // "threadln"

    // Unquoted identifiers fold to lower case in PostgreSQL, which is what the provider's unquoted
    // SELECT QueryKey, QueryText FROM OrleansQuery reads. The version row and the silo rows are separate so that a
    // write can claim the version (row lock, compare, increment) before it touches a silo row.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS OrleansQuery (
            QueryKey varchar(64) NOT NULL PRIMARY KEY,
            QueryText text NOT NULL
        );
        CREATE TABLE IF NOT EXISTS orleans_membership_version (
            deployment_id varchar(150) NOT NULL PRIMARY KEY,
            version integer NOT NULL DEFAULT 0,
            changed_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS orleans_membership (
            deployment_id varchar(150) NOT NULL REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE,
            address varchar(45) NOT NULL,
            port integer NOT NULL,
            generation integer NOT NULL,
            silo_name text NOT NULL,
            host_name text NOT NULL,
            status integer NOT NULL,
            proxy_port integer NOT NULL DEFAULT 0,
            suspect_times text NULL,
            start_time timestamptz NOT NULL,
            i_am_alive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)
        );
        """;

    private const string SiloColumns = """
        m.address AS Address, m.port AS Port, m.generation AS Generation, m.silo_name AS SiloName, m.host_name AS HostName,
        m.status AS Status, m.proxy_port AS ProxyPort, m.suspect_times AS SuspectTimes, m.start_time AS StartTime,
        m.i_am_alive_time AS IAmAliveTime
        """;

    private const string ThisSilo = "address = @Address AND port = @Port AND generation = @Generation";

    private const string ThisSiloRow = "m.address = @Address AND m.port = @Port AND m.generation = @Generation";

    /// <summary>The query text for each key the provider asks for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Queries = new Dictionary<string, string>
    {
        // Gateways a client may connect to: the active silos that accept clients.
        ["GatewaysQueryKey"] = """
            SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
            """,

        // The left join keeps the version row when the silo has no row yet: the caller needs the version to insert it.
        ["MembershipReadRowKey"] = $"""
            SELECT v.version AS Version, {SiloColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id AND {ThisSiloRow}
            WHERE v.deployment_id = @DeploymentId
            """,

        ["MembershipReadAllKey"] = $"""
            SELECT v.version AS Version, {SiloColumns}
            FROM orleans_membership_version v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId
            """,

        // True only for the call that created the cluster's version row; concurrent callers see false.
        ["InsertMembershipVersionKey"] = """
            WITH created AS (
                INSERT INTO orleans_membership_version (deployment_id) VALUES (@DeploymentId)
                ON CONFLICT (deployment_id) DO NOTHING
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM created)
            """,

        // A heartbeat: no version change, so it never conflicts with membership changes.
        ["UpdateIAmAlivetimeKey"] = $"""
            UPDATE orleans_membership SET i_am_alive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND {ThisSilo}
            """,

        // One statement, so atomic: the version moves on only if it still is @Version and the silo is new, and the
        // silo row is inserted only if the version moved. A writer holding an older version gets false and re-reads.
        ["InsertMembershipKey"] = $"""
            WITH claimed AS (
                UPDATE orleans_membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND NOT EXISTS (SELECT 1 FROM orleans_membership WHERE deployment_id = @DeploymentId AND {ThisSilo})
                RETURNING deployment_id
            ), inserted AS (
                INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                    proxy_port, start_time, i_am_alive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName, @Status,
                    @ProxyPort, @StartTime, @IAmAliveTime
                FROM claimed
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM inserted)
            """,

        // As the insert: claim the version first (its row lock orders concurrent writers), then change the silo row.
        ["UpdateMembershipKey"] = $"""
            WITH claimed AS (
                UPDATE orleans_membership_version SET version = version + 1, changed_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                  AND EXISTS (SELECT 1 FROM orleans_membership WHERE deployment_id = @DeploymentId AND {ThisSilo})
                RETURNING deployment_id
            ), updated AS (
                UPDATE orleans_membership m
                SET status = @Status, suspect_times = @SuspectTimes, i_am_alive_time = @IAmAliveTime
                FROM claimed c
                WHERE m.deployment_id = c.deployment_id AND {ThisSiloRow}
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM updated)
            """,

        // The version row goes, and its silo rows with it (ON DELETE CASCADE).
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM orleans_membership_version WHERE deployment_id = @DeploymentId
            """,

        // Dead silos whose start and last heartbeat are both older than the cut-off (@IAmAliveTime).
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = 6
              AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
            """,

        // One dead silo the provider judged defunct, deleted only if its row is still exactly what it read.
        ["CleanupDefunctSiloEntryKey"] = $"""
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND {ThisSilo} AND status = 6
              AND start_time = @StartTime AND i_am_alive_time = @IAmAliveTime
              AND coalesce(suspect_times, '') = coalesce(@SuspectTimes, '')
            """,
    };

    public void Participate(ISiloLifecycle lifecycle) =>
        // Before anything else in the silo: the membership table manager reads OrleansQuery when the runtime initialises.
        lifecycle.Subscribe(nameof(PostgresMembershipSchema), ServiceLifecycleStage.First, InstallAsync);

    /// <summary>
    /// Creates the tables if missing and writes the current query texts, in one transaction under an advisory lock,
    /// so servers starting together neither race on CREATE TABLE nor see a half-written query set.
    /// </summary>
    public async Task InstallAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", InstallLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var create = new NpgsqlCommand(Schema, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var (key, text) in Queries)
        {
            await using var upsert = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText",
                connection, transaction);
            upsert.Parameters.AddWithValue("key", key);
            upsert.Parameters.AddWithValue("text", text);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Twin cluster membership schema ready ({Queries} queries in OrleansQuery)", Queries.Count);
    }
}
