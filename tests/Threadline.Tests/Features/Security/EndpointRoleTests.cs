using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Threadline.Features.Security;
using Threadline.Security;
using Threadline.Testing;

namespace Threadline.Features.Security;

/// <summary>The endpoint table of docs/security.md, held against what the server maps.</summary>
public sealed class EndpointRoleTests
{
    private const string Anonymous = "anonymous";

    // Method and route pattern to the role it needs. A new endpoint fails the first test until it declares a role and is listed here.
    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["GET /openapi/{documentName}.json"] = RolePolicies.Viewer,
        ["* /health/live"] = Anonymous,
        ["* /health"] = RolePolicies.Viewer,
        ["POST /api/auth/login"] = Anonymous,
        ["POST /api/auth/token"] = Anonymous,
        ["POST /api/auth/logout"] = RolePolicies.Viewer,
        ["GET /api/auth/antiforgery"] = RolePolicies.Viewer,
        ["GET /api/auth/me"] = RolePolicies.Viewer,
        ["POST /api/users/"] = RolePolicies.Admin,
        ["GET /api/users/"] = RolePolicies.Admin,
        ["PUT /api/users/{username}/roles"] = RolePolicies.Admin,
        ["POST /api/users/{username}/disable"] = RolePolicies.Admin,
        ["POST /api/users/{username}/enable"] = RolePolicies.Admin,
        ["POST /api/service-principals/"] = RolePolicies.Admin,
        ["GET /api/service-principals/"] = RolePolicies.Admin,
        ["PUT /api/service-principals/{name}/roles"] = RolePolicies.Admin,
        ["POST /api/service-principals/{name}/disable"] = RolePolicies.Admin,
        ["POST /api/service-principals/{name}/tokens"] = RolePolicies.Admin,
        ["DELETE /api/service-principals/{name}/tokens/{id:long}"] = RolePolicies.Admin,
        ["GET /api/audit"] = RolePolicies.Admin,
        ["POST /api/items/"] = RolePolicies.Engineer,
        ["GET /api/items/"] = RolePolicies.Viewer,
        ["GET /api/items/{number}"] = RolePolicies.Viewer,
        ["POST /api/items/{number}/revisions"] = RolePolicies.Engineer,
        ["GET /api/items/{number}/revisions/{revision}"] = RolePolicies.Viewer,
        ["PUT /api/items/{number}/revisions/{revision}/bom"] = RolePolicies.Engineer,
        ["PUT /api/items/{number}/revisions/{revision}/limits"] = RolePolicies.Engineer,
        ["PUT /api/items/{number}/revisions/{revision}/service-bom"] = RolePolicies.Engineer,
        ["POST /api/items/{number}/revisions/{revision}/release"] = RolePolicies.Engineer,
        ["POST /api/items/{number}/revisions/{revision}/state"] = RolePolicies.Engineer,
        ["GET /api/items/{number}/bom"] = RolePolicies.Viewer,
        ["GET /api/items/{number}/rollup"] = RolePolicies.Viewer,
        ["GET /api/items/{number}/where-used"] = RolePolicies.Viewer,
        ["PUT /api/items/{number}/revisions/{revision}/twin-model"] = RolePolicies.Engineer,
        ["GET /api/items/{number}/revisions/{revision}/twin-model"] = RolePolicies.Viewer,
        ["DELETE /api/items/{number}/revisions/{revision}/twin-model"] = RolePolicies.Engineer,
        ["GET /api/items/{number}/twin-model"] = RolePolicies.Viewer,
        ["GET /api/alerts"] = RolePolicies.Viewer,
        ["POST /api/assets/{assetId}/device-credentials"] = RolePolicies.Admin,
        ["DELETE /api/assets/{assetId}/device-credentials"] = RolePolicies.Admin,
        ["POST /api/edge-nodes/{group}/{node}/credentials"] = RolePolicies.Admin,
        ["DELETE /api/edge-nodes/{group}/{node}/credentials"] = RolePolicies.Admin,
        ["POST /api/assets/"] = RolePolicies.Technician,
        ["GET /api/assets/"] = RolePolicies.Viewer,
        ["GET /api/assets/validation"] = RolePolicies.Viewer,
        ["GET /api/assets/validation/targets"] = RolePolicies.Viewer,
        ["PUT /api/assets/validation/targets"] = RolePolicies.Admin,
        ["POST /api/assets/remediation"] = RolePolicies.Viewer,
        ["GET /api/assets/service-bom-accuracy"] = RolePolicies.Viewer,
        ["GET /api/assets/{assetId}"] = RolePolicies.Viewer,
        ["PUT /api/assets/{assetId}/as-built"] = RolePolicies.Technician,
        ["GET /api/assets/{assetId}/as-built"] = RolePolicies.Viewer,
        ["POST /api/assets/{assetId}/service-events"] = RolePolicies.Technician,
        ["GET /api/assets/{assetId}/service-events"] = RolePolicies.Viewer,
        ["GET /api/assets/{assetId}/configuration"] = RolePolicies.Viewer,
        ["GET /api/assets/{assetId}/context"] = RolePolicies.Viewer,
        ["GET /api/assets/{assetId}/events"] = RolePolicies.Viewer,
        ["POST /api/assets/{assetId}/retire"] = RolePolicies.Engineer,
        ["GET /api/assets/{assetId}/telemetry/{signal}"] = RolePolicies.Viewer,
        ["GET /api/asset-families/"] = RolePolicies.Viewer,
        ["PUT /api/asset-families/{prefix}"] = RolePolicies.Admin,
        ["GET /api/federation/route/{assetId}"] = RolePolicies.Viewer,
        ["GET /api/triage"] = RolePolicies.Viewer,
        ["GET /api/ingest/stats"] = RolePolicies.Viewer,
        ["GET /api/ingest/quarantine"] = RolePolicies.Viewer,
        ["GET /api/ingest/latest/{assetId}"] = RolePolicies.Viewer,
        ["GET /api/twins/"] = RolePolicies.Viewer,
        ["GET /api/twins/{assetId}"] = RolePolicies.Viewer,
        ["GET /api/twins/{assetId}/model"] = RolePolicies.Viewer,
    };

    [Fact]
    public async Task EveryEndpoint_DeclaresTheRoleOfTheTable()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var mapped = Endpoints(server).ToDictionary(e => e.Key, e => e.Role);
        var undeclared = mapped.Where(e => e.Value is null).Select(e => e.Key).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a declared role (RequireAuthorization(RolePolicies.X) or AllowAnonymous): " + string.Join(", ", undeclared));
        var unlisted = mapped.Keys.Except(Table.Keys).ToList();
        Assert.True(unlisted.Count == 0, "Endpoints missing from the table here and in docs/security.md: " + string.Join(", ", unlisted));
        var gone = Table.Keys.Except(mapped.Keys).ToList();
        Assert.True(gone.Count == 0, "Listed endpoints the server no longer maps: " + string.Join(", ", gone));
        foreach (var (key, role) in mapped)
        {
            Assert.True(Table[key] == role, $"{key} declares {role}, the table says {Table[key]}.");
        }
    }

    [Fact]
    public async Task EachRole_IsAdmittedExactlyWhereTheTableSays()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var anonymous = server.AnonymousClient();
        var clients = new Dictionary<Role, HttpClient>();
        foreach (var role in Enum.GetValues<Role>())
        {
            clients[role] = await server.ClientWithRolesAsync(role.Name());
        }
        foreach (var (key, required) in Endpoints(server).Select(e => (e.Key, e.Role!)).Where(e => e.Item2 != Anonymous))
        {
            var status = await SendAsync(anonymous, key);
            Assert.True(status == HttpStatusCode.Unauthorized, $"{key} without credentials answered {(int)status}, not 401.");
            foreach (var (role, client) in clients)
            {
                var admitted = RolePolicies.Satisfying(Enum.Parse<Role>(required, ignoreCase: true)).Contains(role.Name());
                status = await SendAsync(client, key);
                Assert.True(admitted ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) : status == HttpStatusCode.Forbidden,
                    $"{key} for {role.Name()} answered {(int)status}; it needs {required}.");
            }
        }
    }

    [Fact]
    public async Task RefusedRequest_ReadsTheSameForAMissingAndAnExistingRecord()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var viewer = await server.ClientWithRolesAsync(RolePolicies.Viewer);
        var existing = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/items", new { number = "10-1000", name = "Pump", kind = "assembly" }));
        var onExisting = await viewer.PostAsync("/api/items/10-1000/revisions", null);
        var onMissing = await viewer.PostAsync("/api/items/NO-SUCH/revisions", null);
        var first = await Problems.Expect(onExisting, HttpStatusCode.Forbidden, "forbidden");
        var second = await Problems.Expect(onMissing, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
        await Problems.Expect(await server.AnonymousClient().GetAsync("/api/items/10-1000"), HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("10-1000", existing.GetProperty("number").GetString());
    }

    [Fact]
    public async Task HealthLive_AnswersWithoutCredentials()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.AnonymousClient().GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.AnonymousClient().GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.AnonymousClient().GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static IEnumerable<(string Key, string? Role)> Endpoints(ThreadlineTestServer server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().SelectMany(endpoint =>
        {
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            string? role = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null ? Anonymous
                : endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>()
                    .OrderByDescending(p => p == RolePolicies.Viewer ? 0 : 1).FirstOrDefault();
            return methods.Select(m => ($"{m} {endpoint.RoutePattern.RawText}", role));
        });

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string key)
    {
        var (method, pattern) = (key[..key.IndexOf(' ')], key[(key.IndexOf(' ') + 1)..]);
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)(:long)?\}", m => m.Groups[2].Success ? "1" : "x");
        using var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path.Replace(".json", ".json", StringComparison.Ordinal));
        if (method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
