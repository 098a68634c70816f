using System.Net;
using Microsoft.EntityFrameworkCore;
using Threadline.Hosting;
using Threadline.Storage;
using Threadline.Testing;

namespace Threadline.Features.Security;

public sealed class AuditTrailTests
{
    [Fact]
    public async Task StateChangingRequests_AreRecordedWithTheirAuthor()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "A-1", name = "A", kind = "part" }));
        var viewer = await server.ClientWithRolesAsync("viewer");
        await viewer.PostAsync("/api/items/A-1/revisions", null);

        var page = await server.GetJsonAsync("/api/audit?record=/api/items/A-1");
        var entry = Assert.Single(page.GetProperty("entries").EnumerateArray());
        Assert.Equal(("admin", "POST /api/items/", 201), (entry.GetProperty("actor").GetString(), entry.GetProperty("operation").GetString(), entry.GetProperty("status").GetInt32()));
        Assert.Equal(server.Time.GetUtcNow(), entry.GetProperty("at").GetDateTimeOffset());
        Assert.StartsWith("sha256:", entry.GetProperty("after").GetString());
        var refused = Assert.Single((await server.GetJsonAsync("/api/audit?record=/api/items/A-1/revisions")).GetProperty("entries").EnumerateArray());
        Assert.Equal(403, refused.GetProperty("status").GetInt32());

        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/audit")).StatusCode);
    }

    [Fact]
    public async Task ServiceEvent_NamesTheAuthenticatedTechnician()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var technician = await server.ClientWithRolesAsync("technician");
        var me = await ThreadlineTestServer.ExpectSuccess(await technician.GetAsync("/api/auth/me"));
        // The service-event rules are the installed base's; here only who the record names, on an unknown asset refused after authorization.
        var response = await technician.PostAsync("/api/assets/NOPE/service-events", System.Net.Http.Json.JsonContent.Create(new { kind = "inspection", component = "40", technician = "someone.else", at = "2026-01-01" }));
        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        var entry = (await server.GetJsonAsync("/api/audit?record=/api/assets/NOPE/service-events")).GetProperty("entries")[0];
        Assert.Equal(me.GetProperty("name").GetString(), entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task ConcurrentWriters_KeepTheChainLinearAndIntact()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var trail = server.Services.GetRequiredService<AuditTrail>();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => trail.AppendAsync(new AuditEvent("tester", "User", "write", $"/r/{i}")))));
        Assert.Null(await trail.VerifyAsync());
        Assert.Equal(41, await trail.CountAsync());
    }

    [Fact]
    public async Task OneFlippedByteInOneStoredEntry_IsNamedByAuditVerify()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = $"F-{i}", name = "F", kind = "part" }));
        }
        var output = new StringWriter();
        var error = new StringWriter();
        await using (var tools = await ToolServices.StartAsync(new Dictionary<string, string?> { ["DataDirectory"] = server.DataDirectory }, CancellationToken.None))
        {
            Assert.Equal(0, await SecurityCommands.VerifyAsync(tools, output, error, CancellationToken.None));
            Assert.Contains("intact: 6 entries", output.ToString(), StringComparison.Ordinal);

            await using var db = tools.GetRequiredService<ThreadlineDb>().CreateContext();
            // F-3 becomes F-2: one byte of one stored row, changed behind the server's back.
            Assert.Equal(1, await db.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET record = replace(record, 'F-3', 'F-2') WHERE sequence = 5"));
            Assert.Equal(1, await SecurityCommands.VerifyAsync(tools, output, error, CancellationToken.None));
        }
        Assert.Contains("entry 5 (POST /api/items/", error.ToString(), StringComparison.Ordinal);
    }
}

public sealed class AuditTrailOnPostgresTests(PostgresDatabaseFactory databases) : IClassFixture<PostgresDatabaseFactory>
{
    [Fact]
    public async Task TwoServersAppendingAtOnce_KeepOneLinearChain()
    {
        var database = await databases.CreateAsync();
        await using var first = await ThreadlineTestServer.StartOnPostgresAsync(database);
        await using var second = await ThreadlineTestServer.StartOnPostgresAsync(database);
        var trails = new[] { first.Services.GetRequiredService<AuditTrail>(), second.Services.GetRequiredService<AuditTrail>() };
        // Each server serializes its own appends; only the advisory lock keeps the two from reading the same last entry.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => trails[i % 2].AppendAsync(new AuditEvent("tester", "User", "write", $"/r/{i}")))));
        Assert.Null(await trails[1].VerifyAsync());
        Assert.Equal(41, await trails[0].CountAsync());
    }
}
