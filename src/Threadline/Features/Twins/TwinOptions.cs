using Microsoft.Extensions.Options;

namespace Threadline.Features.Twins;

/// <summary>The twin runtime: an Orleans silo in the server process, one grain per asset.</summary>
public sealed class TwinOptions
{
    public const string Section = "Twins";

    /// <summary>Run the twin runtime. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Orleans silo-to-silo port on loopback; 0 picks a free one. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port on loopback; 0 picks a free one. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The silo port of the cluster's first silo (host:port) when this server joins a localhost cluster as a further
    /// silo; empty (default) for a single server. The scale-out path across hosts is a clustering provider with a
    /// shared membership table (not built yet).
    /// </summary>
    public string? PrimarySiloEndpoint { get; set; }

    /// <summary>A twin writes its state at most this often while telemetry flows (server clock), and always when it deactivates. Default 30 s.</summary>
    public int PersistIntervalSeconds { get; set; } = 30;

    /// <summary>A twin keeps a snapshot for time travel (GET /api/twins/{id}?at=) at most this often, in source time. Default 60 min.</summary>
    public int SnapshotIntervalMinutes { get; set; } = 60;
}

public sealed class TwinOptionsValidator : IValidateOptions<TwinOptions>
{
    public ValidateOptionsResult Validate(string? name, TwinOptions options)
    {
        var failures = new List<string>();
        if (options.SiloPort is < 0 or > 65535)
        {
            failures.Add($"Twins:SiloPort must be a TCP port (0 for any free one), not {options.SiloPort}.");
        }
        if (options.GatewayPort is < 0 or > 65535)
        {
            failures.Add($"Twins:GatewayPort must be a TCP port (0 for any free one), not {options.GatewayPort}.");
        }
        if (options.PrimarySiloEndpoint is { Length: > 0 } primary && !System.Net.IPEndPoint.TryParse(primary, out _))
        {
            failures.Add($"Twins:PrimarySiloEndpoint must be an address:port such as 127.0.0.1:11111, not '{primary}'.");
        }
        if (options.PersistIntervalSeconds is < 1 or > 3600)
        {
            failures.Add($"Twins:PersistIntervalSeconds must be between 1 and 3600, not {options.PersistIntervalSeconds}.");
        }
        if (options.SnapshotIntervalMinutes is < 1 or > 10080)
        {
            failures.Add($"Twins:SnapshotIntervalMinutes must be between 1 and 10080, not {options.SnapshotIntervalMinutes}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
