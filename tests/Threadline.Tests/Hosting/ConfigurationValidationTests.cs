using Microsoft.Extensions.Options;
using Threadline.Testing;

namespace Threadline.Hosting;

/// <summary>Changes process environment variables, so it must not run beside any other test.</summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment;

[Collection(nameof(ProcessEnvironment))]
public class ConfigurationValidationTests
{
    [Fact]
    public async Task UnknownStorageProvider_FailsAtStartNamingTheSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "Oracle" }));
        Assert.Contains("Storage:Provider", ex.Message);
        Assert.Contains("Oracle", ex.Message);
    }

    [Fact]
    public async Task ShutdownTimeout_IsTheSettingAndABadOneFailsNamingIt()
    {
        await using (var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["ShutdownTimeoutSeconds"] = "240" }))
        {
            Assert.Equal(TimeSpan.FromSeconds(240), server.Services.GetRequiredService<IOptions<Microsoft.Extensions.Hosting.HostOptions>>().Value.ShutdownTimeout);
        }
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["ShutdownTimeoutSeconds"] = "0" }));
        Assert.Contains("ShutdownTimeoutSeconds", ex.Message);
    }

    [Fact]
    public async Task PostgresWithoutConnectionString_FailsAtStartNamingTheSetting()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres" }));
        Assert.Contains("Storage:ConnectionString", ex.Message);
    }

    [Fact]
    public async Task SeveralBadSettings_AreAllNamedInOneRefusal_TextForANumberIncluded()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ThreadlineTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Telemetry:RawRetentionDays"] = "-5", ["Ingestion:MaxBatchSize"] = "0", ["Mqtt:MaxPayloadBytes"] = "lots",
        }));

        Assert.Equal(3, ex.Failures.Count());
        Assert.Contains(ex.Failures, f => f.Contains("Telemetry:RawRetentionDays", StringComparison.Ordinal) && f.Contains("-5", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Ingestion:MaxBatchSize", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("'lots' at 'Mqtt:MaxPayloadBytes'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TextForANumber_ReadWhileTheServerIsPutTogether_EndsWithExitCode2NotACrash()
    {
        var code = await Cli.ServerCommands.WithConfigurationErrorsReported(() =>
        {
            // The twin silo's settings are read while the server is built, before any options are validated.
            ServerHost.CreateBuilder(new Dictionary<string, string?> { ["Twins:Enabled"] = "true", ["Twins:CatchUpHours"] = "a day" });
            return Task.FromResult(0);
        });

        Assert.Equal(2, code);
    }

    [Fact]
    public async Task EnvironmentVariableWithThreadlinePrefix_IsRead()
    {
        Environment.SetEnvironmentVariable("THREADLINE__STORAGE__COMMANDTIMEOUTSECONDS", "0");
        try
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => ThreadlineTestServer.StartAsync());
            Assert.Contains("Storage:CommandTimeoutSeconds", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("THREADLINE__STORAGE__COMMANDTIMEOUTSECONDS", null);
        }
    }
}
