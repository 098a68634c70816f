using System.Net;
using Microsoft.Extensions.Options;

namespace Threadline.Features.Ingestion;

/// <summary>Where MQTT traffic comes from. Bound from the "Mqtt" section.</summary>
public sealed class MqttOptions
{
    public const string Section = "Mqtt";
    public const string EmbeddedMode = "Embedded";
    public const string ExternalMode = "External";

    /// <summary>"Embedded" (default: a broker inside the server process) or "External" (Threadline subscribes to a broker named in <see cref="External"/>).</summary>
    public string Mode { get; set; } = EmbeddedMode;

    /// <summary>TCP port of the embedded broker. Default 1883; 0 picks a free port at start (tests, benchmarks).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Address the embedded broker listens on. Default 127.0.0.1 (this machine only); 0.0.0.0 for every interface.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Largest payload the pipeline decodes, in bytes; a larger one is dead-lettered as "oversized". Default 256 KiB.</summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>The broker to subscribe to when <see cref="Mode"/> is External.</summary>
    public ExternalBrokerOptions External { get; set; } = new();

    /// <summary>
    /// Embedded broker: accept clients that present no credential, with the rights of Threadline itself (any topic,
    /// any subscription). Default false; when true a warning is logged at every start.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Refused publishes or subscriptions after which the embedded broker closes the client's connection. Default 10.</summary>
    public int MaxViolations { get; set; } = 10;

    /// <summary>Publishes per second one client may sustain on the embedded broker; past it publishes are dropped and counted. Default 2000; 0 turns the limit off.</summary>
    public int PublishRatePerSecond { get; set; } = 2_000;

    /// <summary>Publishes one client may send in a burst above <see cref="PublishRatePerSecond"/>. Default 4000.</summary>
    public int PublishBurst { get; set; } = 4_000;

    /// <summary>How long a verified device credential is reused for reconnections before the store is read again, in seconds. Default 30; a revocation on this server takes effect at once.</summary>
    public int CredentialCacheSeconds { get; set; } = 30;

    /// <summary>Embedded broker: plain MQTT on <see cref="Port"/>. Default true; false with <see cref="Tls"/> enabled serves TLS only.</summary>
    public bool PlainEnabled { get; set; } = true;

    /// <summary>Embedded broker: MQTT over TLS.</summary>
    public MqttTlsOptions Tls { get; set; } = new();

    public bool IsEmbedded => string.Equals(Mode, EmbeddedMode, StringComparison.OrdinalIgnoreCase);

    public bool IsExternal => string.Equals(Mode, ExternalMode, StringComparison.OrdinalIgnoreCase);
}

public sealed class ExternalBrokerOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 1883;

    /// <summary>
    /// MQTT client id; must be unique per Threadline server and stable across restarts, because the broker keeps the
    /// persistent session (and the QoS 1 messages queued for it) under this id. Default "threadline-{machine name}".
    /// </summary>
    public string ClientId { get; set; } = "threadline-" + Environment.MachineName.ToLowerInvariant();

    /// <summary>Shared-subscription group: the servers in one group split the stream between them. Default "threadline".</summary>
    public string SharedGroup { get; set; } = "threadline";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long the broker keeps the session (and queues QoS 1 messages) while Threadline is away, in seconds. Default 86400 (one day).</summary>
    public uint SessionExpirySeconds { get; set; } = 86_400;

    /// <summary>Wait between reconnection attempts, in milliseconds. Default 2000.</summary>
    public int ReconnectDelayMilliseconds { get; set; } = 2_000;

    /// <summary>Connect with TLS. Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>PEM file of the CA that signed the broker's certificate; when absent the machine's trust store decides.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Client certificate (PFX, or PEM with <see cref="ClientCertificateKeyPath"/>) presented to the broker; optional.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/> when that is a PEM file.</summary>
    public string? ClientCertificateKeyPath { get; set; }

    /// <summary>Password of the PFX file, or of the encrypted PEM key.</summary>
    public string? ClientCertificatePassword { get; set; }
}

/// <summary>MQTT over TLS on the embedded broker. Bound from "Mqtt:Tls".</summary>
public sealed class MqttTlsOptions
{
    /// <summary>Serve MQTT over TLS on <see cref="Port"/>. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>TCP port of MQTT over TLS. Default 8883; 0 picks a free port at start.</summary>
    public int Port { get; set; } = 8883;

    /// <summary>Server certificate: a PFX file, or a PEM certificate with <see cref="CertificateKeyPath"/>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/> when that is a PEM file.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of the PFX file, or of the encrypted PEM key.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// PEM file of the CA whose client certificates identify devices: the subject CN is an asset's IoT device id or an
    /// edge node "group/node". When set, a client certificate not signed by it is refused at the handshake.
    /// </summary>
    public string? ClientCaPath { get; set; }
}

/// <summary>The unified namespace: topic prefix and the telemetry taxonomy. Bound from the "Uns" section.</summary>
public sealed class UnsOptions
{
    public const string Section = "Uns";

    /// <summary>First topic level of the namespace Threadline ingests: {Prefix}/.../{assetId}/{signal}. Default "threadline".</summary>
    public string Prefix { get; set; } = "threadline";

    /// <summary>Per-signal configuration (Uns:Signals:{signal}:Class); a signal not listed is a Metric.</summary>
    public Dictionary<string, UnsSignalOptions> Signals { get; set; } = new(StringComparer.Ordinal);

    public SignalClass ClassOf(string signal) =>
        Signals.TryGetValue(signal, out var options) && Enum.TryParse<SignalClass>(options.Class, ignoreCase: true, out var parsed)
            ? parsed
            : SignalClass.Metric;
}

public sealed class UnsSignalOptions
{
    /// <summary>"Metric" (default: stored in the time series), "LifecycleEvent" (written onto the asset's record) or "Ephemeral" (live only).</summary>
    public string Class { get; set; } = nameof(SignalClass.Metric);
}

/// <summary>The telemetry taxonomy: where a signal's values go.</summary>
public enum SignalClass
{
    /// <summary>An operational metric: kept in the time-series store.</summary>
    Metric,

    /// <summary>Each value is an event on the asset's PLM record (for example a seal change counter).</summary>
    LifecycleEvent,

    /// <summary>Live only: the latest value is kept in memory, nothing is stored.</summary>
    Ephemeral,
}

/// <summary>Tuning of the pipeline between broker and store. Bound from the "Ingestion" section.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Points waiting for the store, all clients together. Default 131072; a full queue makes publishers wait.</summary>
    public int QueueCapacity { get; set; } = 131_072;

    /// <summary>Points waiting for the store from one MQTT client. Default 4096; past it that client alone waits.</summary>
    public int MaxQueuedPerClient { get; set; } = 4_096;

    /// <summary>
    /// Most points in one store append. Default 32768: a transaction's fixed cost and its rollup rows (one per series
    /// and bucket) are shared by more points the larger the batch; with the journal no acknowledgement waits on it.
    /// </summary>
    public int MaxBatchSize { get; set; } = 32_768;

    /// <summary>
    /// How long a batch that is not full waits for more points, in milliseconds. Default: 50 with
    /// AcknowledgeAfter=Journal (nobody's acknowledgement waits on the store, and a fuller batch shares one
    /// transaction's fixed cost among more points), 0 with Store (the writer takes what queued up while the previous
    /// append ran, which groups commits under load without adding latency to an acknowledgement at rest).
    /// </summary>
    public int? BatchLingerMilliseconds { get; set; }

    /// <summary>The linger in effect: the setting, or the default of the acknowledgement mode.</summary>
    public TimeSpan BatchLinger => TimeSpan.FromMilliseconds(BatchLingerMilliseconds ?? (AcknowledgesAfterJournal ? 50 : 0));

    /// <summary>Recent sequence numbers remembered per source to recognise a retransmission. Default 4096.</summary>
    public int DedupWindow { get; set; } = 4_096;

    /// <summary>How long an asset lookup (found or not) is reused, in seconds. Default 30.</summary>
    public int AssetCacheSeconds { get; set; } = 30;

    /// <summary>Payloads kept as samples per quarantined source. Default 5.</summary>
    public int QuarantineSamples { get; set; } = 5;

    public const string AfterJournal = "Journal";
    public const string AfterStore = "Store";

    /// <summary>
    /// What a QoS 1 acknowledgement waits for. "Journal" (default): the point is on file in this server's intake
    /// journal ({DataDirectory}/intake), survives the server being killed, and reaches the store right after in large
    /// batches. "Store": the store's commit; slower (one store transaction per round trip of each connection), but
    /// nothing acknowledged rests on this server's disk, which suits servers that share an external broker and
    /// PostgreSQL and may be lost for good.
    /// </summary>
    public string AcknowledgeAfter { get; set; } = AfterJournal;

    /// <summary>With Journal: fsync the journal before each acknowledgement, so it also survives a power cut. Default false.</summary>
    public bool JournalFsync { get; set; }

    /// <summary>With Journal: size at which a journal segment file is closed and a new one begun, in MB. Default 64.</summary>
    public int JournalSegmentMegabytes { get; set; } = 64;

    public bool AcknowledgesAfterJournal => string.Equals(AcknowledgeAfter, AfterJournal, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Rejects bad MQTT, UNS and ingestion settings at start, naming the setting and what it must be.</summary>
public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        var failures = new List<string>();
        if (!options.IsEmbedded && !options.IsExternal)
        {
            failures.Add($"Mqtt:Mode must be '{MqttOptions.EmbeddedMode}' or '{MqttOptions.ExternalMode}', not '{options.Mode}'.");
        }
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"Mqtt:Port (flag --mqtt-port) must be between 0 and 65535, not {options.Port}.");
        }
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"Mqtt:BindAddress must be an IP address such as 127.0.0.1 or 0.0.0.0, not '{options.BindAddress}'.");
        }
        if (options.MaxViolations is < 1 or > 1_000_000)
        {
            failures.Add($"Mqtt:MaxViolations must be between 1 and 1000000, not {options.MaxViolations}.");
        }
        if (options.PublishRatePerSecond is < 0 or > 10_000_000)
        {
            failures.Add($"Mqtt:PublishRatePerSecond must be between 0 (no limit) and 10000000, not {options.PublishRatePerSecond}.");
        }
        if (options.PublishBurst is < 1 or > 10_000_000)
        {
            failures.Add($"Mqtt:PublishBurst must be between 1 and 10000000, not {options.PublishBurst}.");
        }
        if (options.CredentialCacheSeconds is < 0 or > 86_400)
        {
            failures.Add($"Mqtt:CredentialCacheSeconds must be between 0 and 86400, not {options.CredentialCacheSeconds}.");
        }
        if (options.IsEmbedded && !options.PlainEnabled && !options.Tls.Enabled)
        {
            failures.Add("Mqtt:PlainEnabled=false needs Mqtt:Tls:Enabled=true, or the embedded broker would listen nowhere.");
        }
        if (options.Tls.Enabled)
        {
            if (options.Tls.Port is < 0 or > 65535)
            {
                failures.Add($"Mqtt:Tls:Port must be between 0 and 65535, not {options.Tls.Port}.");
            }
            if (string.IsNullOrWhiteSpace(options.Tls.CertificatePath))
            {
                failures.Add("Mqtt:Tls:CertificatePath is required when Mqtt:Tls:Enabled is true (a PFX file, or a PEM certificate with Mqtt:Tls:CertificateKeyPath).");
            }
            else if (!File.Exists(options.Tls.CertificatePath))
            {
                failures.Add($"Mqtt:Tls:CertificatePath names a file that does not exist: '{options.Tls.CertificatePath}'.");
            }
            if (options.Tls.ClientCaPath is { } ca && !File.Exists(ca))
            {
                failures.Add($"Mqtt:Tls:ClientCaPath names a file that does not exist: '{ca}'.");
            }
        }
        if (options.MaxPayloadBytes is < 64 or > 64 * 1024 * 1024)
        {
            failures.Add($"Mqtt:MaxPayloadBytes must be between 64 and 67108864, not {options.MaxPayloadBytes}.");
        }
        if (options.IsExternal)
        {
            var external = options.External;
            if (string.IsNullOrWhiteSpace(external.Host))
            {
                failures.Add("Mqtt:External:Host is required when Mqtt:Mode is External (for example 'mqtt.plant.local').");
            }
            if (external.Port is < 1 or > 65535)
            {
                failures.Add($"Mqtt:External:Port must be between 1 and 65535, not {external.Port}.");
            }
            if (string.IsNullOrWhiteSpace(external.ClientId))
            {
                failures.Add("Mqtt:External:ClientId must not be empty.");
            }
            if (string.IsNullOrWhiteSpace(external.SharedGroup) || external.SharedGroup.IndexOfAny(['/', '+', '#']) >= 0)
            {
                failures.Add($"Mqtt:External:SharedGroup must be a non-empty name without '/', '+' or '#', not '{external.SharedGroup}'.");
            }
            if (external.ReconnectDelayMilliseconds is < 10 or > 600_000)
            {
                failures.Add($"Mqtt:External:ReconnectDelayMilliseconds must be between 10 and 600000, not {external.ReconnectDelayMilliseconds}.");
            }
            foreach (var (key, path) in new[] { ("CaCertificatePath", external.CaCertificatePath), ("ClientCertificatePath", external.ClientCertificatePath), ("ClientCertificateKeyPath", external.ClientCertificateKeyPath) })
            {
                if (path is not null && !File.Exists(path))
                {
                    failures.Add($"Mqtt:External:{key} names a file that does not exist: '{path}'.");
                }
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The Sparkplug B Primary Host Application this server acts as.</summary>
public sealed class SparkplugOptions
{
    public const string Section = "Sparkplug";

    /// <summary>The host id in spBv1.0/STATE/{HostId}; edge nodes configured with it wait for this host. Default "threadline".</summary>
    public string HostId { get; set; } = "threadline";

    /// <summary>At most one rebirth request per edge node within this many seconds. Default 10.</summary>
    public int RebirthIntervalSeconds { get; set; } = 10;
}

public sealed class SparkplugOptionsValidator : IValidateOptions<SparkplugOptions>
{
    public ValidateOptionsResult Validate(string? name, SparkplugOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.HostId) || options.HostId.IndexOfAny(['/', '+', '#']) >= 0)
        {
            failures.Add($"Sparkplug:HostId must be a name without '/', '+' or '#', not '{options.HostId}'.");
        }
        if (options.RebirthIntervalSeconds is < 1 or > 3600)
        {
            failures.Add($"Sparkplug:RebirthIntervalSeconds must be between 1 and 3600, not {options.RebirthIntervalSeconds}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class UnsOptionsValidator : IValidateOptions<UnsOptions>
{
    public ValidateOptionsResult Validate(string? name, UnsOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Prefix) || options.Prefix.IndexOfAny(['+', '#']) >= 0
            || options.Prefix.StartsWith('/') || options.Prefix.EndsWith('/') || options.Prefix.StartsWith('$'))
        {
            failures.Add($"Uns:Prefix must be a topic without wildcards, leading '$' or leading/trailing '/', for example 'acme'; not '{options.Prefix}'.");
        }
        foreach (var (signal, signalOptions) in options.Signals)
        {
            if (!Enum.TryParse<SignalClass>(signalOptions.Class, ignoreCase: true, out _) || int.TryParse(signalOptions.Class, out _))
            {
                failures.Add($"Uns:Signals:{signal}:Class must be Metric, LifecycleEvent or Ephemeral, not '{signalOptions.Class}'.");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public sealed class IngestionOptionsValidator : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions options)
    {
        var failures = new List<string>();
        void Range(int value, int min, int max, string key)
        {
            if (value < min || value > max)
            {
                failures.Add($"Ingestion:{key} must be between {min} and {max}, not {value}.");
            }
        }
        Range(options.QueueCapacity, 16, 16_777_216, nameof(options.QueueCapacity));
        Range(options.MaxQueuedPerClient, 1, 16_777_216, nameof(options.MaxQueuedPerClient));
        Range(options.MaxBatchSize, 1, 1_048_576, nameof(options.MaxBatchSize));
        Range(options.BatchLingerMilliseconds ?? 0, 0, 10_000, nameof(options.BatchLingerMilliseconds));
        Range(options.DedupWindow, 0, 1_048_576, nameof(options.DedupWindow));
        Range(options.AssetCacheSeconds, 0, 86_400, nameof(options.AssetCacheSeconds));
        Range(options.QuarantineSamples, 0, 100, nameof(options.QuarantineSamples));
        Range(options.JournalSegmentMegabytes, 1, 4_096, nameof(options.JournalSegmentMegabytes));
        if (!options.AcknowledgesAfterJournal && !string.Equals(options.AcknowledgeAfter, IngestionOptions.AfterStore, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Ingestion:AcknowledgeAfter must be Journal or Store, not '{options.AcknowledgeAfter}'.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
