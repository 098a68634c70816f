using Microsoft.Extensions.Options;

namespace Threadline.Storage;

/// <summary>Where the relational records (PLM, installed base) live. Bound from the "Storage" section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>"Sqlite" (default: a file under the data folder, nothing to set up) or "Postgres" (the scale-out path).</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>
    /// Required for Postgres (an Npgsql connection string). For SQLite, optional: default
    /// "Data Source={DataDirectory}/threadline.db".
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Seconds a command may run before it is cancelled. Default 30.</summary>
    public int CommandTimeoutSeconds { get; set; } = 30;
}

public static class StorageProviders
{
    public const string Sqlite = "Sqlite";
    public const string Postgres = "Postgres";
}

/// <summary>Rejects bad storage settings at start, naming the setting and what it must be.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!string.Equals(options.Provider, StorageProviders.Sqlite, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Storage:Provider must be '{StorageProviders.Sqlite}' or '{StorageProviders.Postgres}', not '{options.Provider}'.");
        }
        if (string.Equals(options.Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("Storage:ConnectionString is required when Storage:Provider is Postgres (for example 'Host=127.0.0.1;Username=threadline;Password=...;Database=threadline').");
        }
        if (options.CommandTimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"Storage:CommandTimeoutSeconds must be between 1 and 3600, not {options.CommandTimeoutSeconds}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
