using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Threadline.Features.Assets;
using Threadline.Features.Security;
using Threadline.Features.Telemetry;
using Threadline.Hosting;

namespace Threadline.Testing;

/// <summary>
/// The real server pipeline (same registrations and endpoints as `serve`) on an in-memory transport,
/// with its own data folder, the chosen storage and a fake clock. <see cref="Client"/> is authenticated as the
/// bootstrap admin (bearer token); <see cref="AnonymousClient"/> and <see cref="ClientWithRolesAsync"/> test the refusals.
/// </summary>
public sealed class ThreadlineTestServer : IAsyncDisposable
{
    /// <summary>The bootstrap admin's password on every test server.</summary>
    public const string AdminPassword = "test-admin-password";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly Microsoft.AspNetCore.Builder.WebApplication _app;

    private ThreadlineTestServer(Microsoft.AspNetCore.Builder.WebApplication app, string dataDirectory, FakeTimeProvider time)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Time = time;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public FakeTimeProvider Time { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A client that sends no credentials.</summary>
    public HttpClient AnonymousClient() => _app.GetTestClient();

    /// <summary>A client for a new user holding exactly <paramref name="roles"/>, with a bearer token.</summary>
    public async Task<HttpClient> ClientWithRolesAsync(params string[] roles)
    {
        var security = Services.GetRequiredService<SecurityService>();
        var user = await security.CreateUserAsync($"user-{Guid.NewGuid():N}", AdminPassword, roles, CancellationToken.None);
        return await ClientForAsync(user.Name);
    }

    /// <summary>A client with a fresh bearer token of an existing principal.</summary>
    public async Task<HttpClient> ClientForAsync(string name)
    {
        // Ten years: tests that move the fake clock by months keep their client.
        var token = await Services.GetRequiredService<SecurityService>().IssueTokenAsync(name, apiToken: false, TimeSpan.FromDays(3650), CancellationToken.None);
        var client = _app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        return client;
    }

    /// <summary>
    /// Starts a server. <paramref name="services"/> runs after the server's own registrations, so a test can replace a
    /// service (the last registration of a type wins). The embedded MQTT broker listens on a free port unless the
    /// settings name one (Mqtt:Port).
    /// </summary>
    public static async Task<ThreadlineTestServer> StartAsync(
        IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, Func<IServiceProvider, CancellationToken, Task>? seed = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("threadline-test-").FullName;
        var flags = new Dictionary<string, string?> { ["DataDirectory"] = dataDirectory, ["Logging:LogLevel:Default"] = "Warning", ["Mqtt:Port"] = "0",
            // The twin runtime (an Orleans silo) is started by the tests that are about twins, on free ports.
            ["Twins:Enabled"] = "false", ["Twins:SiloPort"] = "0", ["Twins:GatewayPort"] = "0",
            // Most ingestion tests read the store as soon as a QoS 1 publish returns, which is what the acknowledgement
            // means with Store; the journal's acknowledgement (the product default) is tested on its own (IntakeJournal*Tests).
            ["Ingestion:AcknowledgeAfter"] = "Store",
            ["Security:BootstrapAdminPassword"] = AdminPassword,
            // The rate limit has its own test; the others must not meet it.
            ["Security:RequestsPerMinute"] = "1000000" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            flags[key] = value;
        }
        var builder = ServerHost.CreateBuilder(flags);
        builder.WebHost.UseTestServer();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(time);
        // The product's PBKDF2 cost (100,000 iterations) a hundred times over would only slow the suite.
        builder.Services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1000);
        services?.Invoke(builder.Services);
        var app = ServerHost.Build(builder);
        await ServerHost.StartAsync(app, seed);
        var server = new ThreadlineTestServer(app, dataDirectory, time);
        var security = app.Services.GetRequiredService<SecurityService>();
        // A store whose first admin came from `users add` has no "admin"; such a test picks its client itself.
        if ((await security.ListAsync(Threadline.Security.PrincipalKind.User, CancellationToken.None)).Any(u => u.Name == SecurityBootstrap.AdminName))
        {
            var token = await security.IssueTokenAsync(SecurityBootstrap.AdminName, apiToken: false, TimeSpan.FromDays(3650), CancellationToken.None);
            server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }
        return server;
    }

    public static Task<ThreadlineTestServer> StartOnPostgresAsync(PostgresDatabase database) =>
        StartAsync(new Dictionary<string, string?> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = database.ConnectionString });

    /// <summary>
    /// Options for an MQTT client of the embedded broker with Threadline's own per-start credential: for tests about
    /// ingestion, twins and the rest, not about who may publish (those connect with device credentials).
    /// </summary>
    public MQTTnet.MqttClientOptionsBuilder MqttClientOptions(string clientId) => new MQTTnet.MqttClientOptionsBuilder()
        .WithTcpServer("127.0.0.1", Services.GetRequiredService<Features.Ingestion.EmbeddedBroker>().Port)
        .WithClientId(clientId)
        .WithCredentials(Features.Ingestion.Security.ServerCredential.Username, Services.GetRequiredService<Features.Ingestion.Security.ServerCredential>().Password);

    public async Task<HttpResponseMessage> PostAsync(string url, object? body) => await Client.PostAsJsonAsync(url, body, Json);

    public async Task<HttpResponseMessage> PutAsync(string url, object body) => await Client.PutAsJsonAsync(url, body, Json);

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>Asserts a success and returns the body, or fails with the problem the server gave.</summary>
    public static async Task<JsonElement> ExpectSuccess(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled handle is left for the OS temp cleaner; the test result stands.
        }
    }
}
