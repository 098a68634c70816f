using System.Net;
using System.Text.Json;
using Threadline.Features.Demo;
using Threadline.Features.Plm;
using Threadline.Testing;

namespace Threadline.Features.Plm;

/// <summary>The PLM API through the real HTTP pipeline; run once on SQLite and once on PostgreSQL.</summary>
public abstract class PlmApiTests
{
    protected abstract Task<ThreadlineTestServer> StartServerAsync();

    private static Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string code) =>
        Problems.Expect(response, status, code);

    private static async Task CreateReleasedPart(ThreadlineTestServer server, string number, string releasedAt = "2025-01-01")
    {
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number, name = "Part " + number, kind = "part" }));
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync($"/api/items/{number}/revisions/A/release", new { effectiveFrom = releasedAt }));
    }

    private static IEnumerable<string> Children(JsonElement bom) =>
        bom.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("item").GetString()!);

    [Fact]
    public async Task DemoPump_TwoSerialsOnTwoDates_ResolveAsTheirEffectivitySays()
    {
        await using var server = await StartServerAsync();
        Assert.True(await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default));

        var early = await server.GetJsonAsync("/api/items/10-4720-00/bom?serial=SN00350&at=2026-01-10");
        var late = await server.GetJsonAsync("/api/items/10-4720-00/bom?serial=SN00420&at=2026-03-14");

        Assert.Equal("C", early.GetProperty("revision").GetString());
        Assert.Equal("D", late.GetProperty("revision").GetString());
        Assert.Contains("20-3200", Children(early));
        Assert.Contains("20-4300", Children(early));
        Assert.Contains("20-3210", Children(late));
        Assert.Contains("20-4310", Children(late));
        string Bearing(JsonElement bom) => bom.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("item").GetString() == "20-2100")
            .GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("findNumber").GetString() == "10").GetProperty("item").GetString()!;
        Assert.Equal("40-6310", Bearing(early));
        Assert.Equal("40-6310-C3", Bearing(late));
    }

    [Fact]
    public async Task DemoPump_SeedingTwice_ChangesNothing()
    {
        await using var server = await StartServerAsync();
        var plm = server.Services.GetRequiredService<PlmService>();
        Assert.True(await DemoPumpFamily.SeedAsync(plm, default));
        var before = (await plm.CatalogAsync()).Count;
        Assert.False(await DemoPumpFamily.SeedAsync(plm, default));
        Assert.Equal(before, (await plm.CatalogAsync()).Count);
    }

    [Fact]
    public async Task ItemLifecycle_CreateBomReleaseAndNextRevision_Works()
    {
        await using var server = await StartServerAsync();
        await CreateReleasedPart(server, "BRG-1");
        var created = await server.PostAsync("/api/items", new { number = "HSG-1", name = "Housing", kind = "assembly", family = "PUMP" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/items/HSG-1", created.Headers.Location?.OriginalString);

        await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/items/HSG-1/revisions/A/bom", new
        {
            lines = new object[] { new { child = "BRG-1", quantity = 2, findNumber = "10", refDes = new[] { "B1", "B2" } } },
        }));
        await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/items/HSG-1/revisions/A/limits", new
        {
            limits = new object[] { new { signal = "bearing_temperature", max = 90.0, unit = "°C", severity = "warning" } },
        }));
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items/HSG-1/revisions/A/release", new { effectiveFrom = "2025-02-01" }));
        var next = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items/HSG-1/revisions", new { }));

        Assert.Equal("B", next.GetProperty("code").GetString());
        Assert.Equal("Draft", next.GetProperty("state").GetString());
        Assert.Equal(2m, next.GetProperty("bom")[0].GetProperty("quantity").GetDecimal());
        var item = await server.GetJsonAsync("/api/items/HSG-1");
        Assert.Equal(["Released", "Draft"], item.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task UnknownItem_Is404Problem()
    {
        await using var server = await StartServerAsync();
        var problem = await Problem(await server.Client.GetAsync("/api/items/NO-SUCH/bom"), HttpStatusCode.NotFound, "unknown-item");
        Assert.Contains("NO-SUCH", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Cycle_Is422Problem_AndTheBomStaysAsItWas()
    {
        await using var server = await StartServerAsync();
        await CreateReleasedPart(server, "P1");
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "A1", name = "A1", kind = "assembly" }));
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "A2", name = "A2", kind = "assembly" }));
        await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/items/A1/revisions/A/bom", new { lines = new object[] { new { child = "P1", quantity = 1, findNumber = "10" } } }));
        await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/items/A2/revisions/A/bom", new { lines = new object[] { new { child = "A1", quantity = 1, findNumber = "10" } } }));

        await Problem(await server.PutAsync("/api/items/A1/revisions/A/bom", new
        {
            lines = new object[] { new { child = "P1", quantity = 5, findNumber = "10" }, new { child = "A2", quantity = 1, findNumber = "20" } },
        }), HttpStatusCode.UnprocessableEntity, "bom-cycle");

        var a1 = await server.GetJsonAsync("/api/items/A1/revisions/A");
        var line = Assert.Single(a1.GetProperty("bom").EnumerateArray());
        Assert.Equal(1m, line.GetProperty("quantity").GetDecimal());
    }

    [Fact]
    public async Task EditingAReleasedRevision_Is409Problem()
    {
        await using var server = await StartServerAsync();
        await CreateReleasedPart(server, "P1");
        await Problem(await server.PutAsync("/api/items/P1/revisions/A/limits", new { limits = Array.Empty<object>() }), HttpStatusCode.Conflict, "revision-not-editable");
    }

    [Fact]
    public async Task OverlappingEffectivity_Is422Problem()
    {
        await using var server = await StartServerAsync();
        await CreateReleasedPart(server, "P1");
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "A1", name = "A1", kind = "assembly" }));
        await Problem(await server.PutAsync("/api/items/A1/revisions/A/bom", new
        {
            lines = new object[]
            {
                new { child = "P1", quantity = 1, findNumber = "10", effectivity = new { dateFrom = "2026-01-01", dateTo = "2026-06-01" } },
                new { child = "P1", quantity = 2, findNumber = "10", effectivity = new { dateFrom = "2026-05-01" } },
            },
        }), HttpStatusCode.UnprocessableEntity, "effectivity-overlap");
    }

    [Fact]
    public async Task InvertedSerialRange_Is422Problem()
    {
        await using var server = await StartServerAsync();
        await CreateReleasedPart(server, "P1");
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "A1", name = "A1", kind = "assembly" }));
        await Problem(await server.PutAsync("/api/items/A1/revisions/A/bom", new
        {
            lines = new object[] { new { child = "P1", quantity = 1, findNumber = "10", effectivity = new { serialFrom = "SN500", serialTo = "SN100" } } },
        }), HttpStatusCode.UnprocessableEntity, "effectivity-inverted");
    }

    [Fact]
    public async Task ReleaseWithUnreleasedChild_Is409Problem_AndTheRevisionStaysDraft()
    {
        await using var server = await StartServerAsync();
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "P1", name = "P1", kind = "part" }));
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "A1", name = "A1", kind = "assembly" }));
        await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/items/A1/revisions/A/bom", new { lines = new object[] { new { child = "P1", quantity = 1, findNumber = "10" } } }));

        var problem = await Problem(await server.PostAsync("/api/items/A1/revisions/A/release", null), HttpStatusCode.Conflict, "unreleased-children");

        Assert.Contains("P1", problem.GetProperty("detail").GetString());
        Assert.Equal("Draft", (await server.GetJsonAsync("/api/items/A1/revisions/A")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task BadValues_AreProblemsThatNameTheField()
    {
        await using var server = await StartServerAsync();
        var kind = await Problem(await server.PostAsync("/api/items", new { number = "X1", name = "X", kind = "widget" }), HttpStatusCode.UnprocessableEntity, "invalid-kind");
        Assert.Contains("widget", kind.GetProperty("detail").GetString());
        await CreateReleasedPart(server, "P1");
        var date = await Problem(await server.Client.GetAsync("/api/items/P1/bom?at=14/03/2026"), HttpStatusCode.UnprocessableEntity, "invalid-date");
        Assert.Contains("at", date.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task MalformedJson_Is400Problem()
    {
        await using var server = await StartServerAsync();
        using var content = new StringContent("{\"number\": \"X1\", \"name\": ", System.Text.Encoding.UTF8, "application/json");
        await Problem(await server.Client.PostAsync("/api/items", content), HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task WhereUsedAndRollUp_AnswerForTheDemoPump()
    {
        await using var server = await StartServerAsync();
        await DemoPumpFamily.SeedAsync(server.Services.GetRequiredService<PlmService>(), default);

        var whereUsed = await server.GetJsonAsync("/api/items/40-6310/where-used?at=2025-06-01");
        var housing = Assert.Single(whereUsed.GetProperty("usedIn").EnumerateArray());
        Assert.Equal("20-2100", housing.GetProperty("item").GetString());
        Assert.Equal("10-4720-00", Assert.Single(housing.GetProperty("usedIn").EnumerateArray()).GetProperty("item").GetString());
        Assert.Empty((await server.GetJsonAsync("/api/items/40-6310/where-used?at=2026-06-01")).GetProperty("usedIn").EnumerateArray());

        var rollUp = await server.GetJsonAsync("/api/items/10-4720-00/rollup?serial=SN00420&at=2026-03-14");
        var entries = rollUp.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(2m, entries.Single(e => e.GetProperty("item").GetString() == "40-4100").GetProperty("quantity").GetDecimal());
        Assert.Equal(8m, entries.Single(e => e.GetProperty("item").GetString() == "90-0012").GetProperty("quantity").GetDecimal());
    }

    [Fact]
    public async Task OpenApiAndHealth_AreServed()
    {
        await using var server = await StartServerAsync();
        var openApi = await server.GetJsonAsync("/openapi/v1.json");
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/items/{number}/bom", out _));
        var health = await server.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }
}

public sealed class PlmApiOnSqliteTests : PlmApiTests
{
    protected override Task<ThreadlineTestServer> StartServerAsync() => ThreadlineTestServer.StartAsync();
}

public sealed class PlmApiOnPostgresTests(PostgresDatabaseFactory databases) : PlmApiTests, IClassFixture<PostgresDatabaseFactory>
{
    protected override async Task<ThreadlineTestServer> StartServerAsync() =>
        await ThreadlineTestServer.StartOnPostgresAsync(await databases.CreateAsync());
}
