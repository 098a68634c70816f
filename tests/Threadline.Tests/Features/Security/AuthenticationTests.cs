using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Threadline.Testing;

namespace Threadline.Features.Security;

public sealed class AuthenticationTests
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task BrowserLogin_StateChangeWithoutAntiforgeryToken_IsRefused()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/users", new { username = "erin", password = Password, roles = new[] { "engineer" } }));
        var browser = server.AnonymousClient();
        var login = await browser.PostAsJsonAsync("/api/auth/login", new { username = "erin", password = Password });
        var body = await ThreadlineTestServer.ExpectSuccess(login);
        var cookies = login.Headers.GetValues("Set-Cookie").ToList();
        Assert.All(cookies, c => Assert.Contains("samesite=strict", c, StringComparison.OrdinalIgnoreCase));
        Assert.All(cookies, c => Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase));
        browser.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => c.Split(';')[0])));

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/items")).StatusCode);
        // What a page on another origin can send: the browser's cookie, no header it cannot read.
        await Problems.Expect(await browser.PostAsJsonAsync("/api/items", new { number = "P-1", name = "P", kind = "part" }), HttpStatusCode.Forbidden, "antiforgery");
        await Problems.Expect(await browser.PostAsync("/api/items/P-1/revisions/A/release", null), HttpStatusCode.Forbidden, "antiforgery");

        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/api/items") { Content = JsonContent.Create(new { number = "P-1", name = "P", kind = "part" }) };
        withToken.Headers.Add(SecurityRegistration.CsrfHeader, body.GetProperty("antiforgeryToken").GetString());
        await ThreadlineTestServer.ExpectSuccess(await browser.SendAsync(withToken));
    }

    [Fact]
    public async Task RepeatedWrongPasswords_LockTheAccountUntilTheLockoutEnds()
    {
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Security:MaxFailedLogins"] = "3", ["Security:LockoutMinutes"] = "15" });
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/users", new { username = "olga", password = Password, roles = new[] { "operator" } }));
        var client = server.AnonymousClient();
        for (var i = 0; i < 3; i++)
        {
            await Problems.Expect(await client.PostAsJsonAsync("/api/auth/token", new { username = "olga", password = "wrong password!" }), HttpStatusCode.Unauthorized, "invalid-credentials");
        }
        await Problems.Expect(await client.PostAsJsonAsync("/api/auth/token", new { username = "olga", password = Password }), HttpStatusCode.Unauthorized, "invalid-credentials");
        var locked = await server.GetJsonAsync("/api/users");
        Assert.NotEqual(JsonValueKind.Null, locked.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "olga").GetProperty("lockedUntil").ValueKind);

        server.Time.Advance(TimeSpan.FromMinutes(16));
        await ThreadlineTestServer.ExpectSuccess(await client.PostAsJsonAsync("/api/auth/token", new { username = "olga", password = Password }));
    }

    [Fact]
    public async Task UnknownUser_GetsTheSameAnswerAsAWrongPassword()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var unknown = await Problems.Expect(await server.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "nobody", password = Password }), HttpStatusCode.Unauthorized, "invalid-credentials");
        var wrong = await Problems.Expect(await server.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "admin", password = Password }), HttpStatusCode.Unauthorized, "invalid-credentials");
        Assert.Equal(unknown.GetProperty("detail").GetString(), wrong.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task BearerToken_ExpiresAfterItsLifetimeOnTheServerClock()
    {
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Security:TokenLifetimeMinutes"] = "60" });
        var issued = await ThreadlineTestServer.ExpectSuccess(await server.AnonymousClient().PostAsJsonAsync("/api/auth/token",
            new { username = "admin", password = ThreadlineTestServer.AdminPassword }));
        Assert.Equal(server.Time.GetUtcNow().AddMinutes(60), issued.GetProperty("expiresAt").GetDateTimeOffset());
        var client = server.AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/items")).StatusCode);

        server.Time.Advance(TimeSpan.FromMinutes(61));
        await Problems.Expect(await client.GetAsync("/api/items"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task ServicePrincipalApiToken_WorksUntilRevoked()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        await Problems.Expect(await server.PostAsync("/api/service-principals", new { name = "mes", roles = new[] { "technician", "approver" } }),
            HttpStatusCode.UnprocessableEntity, "service-approver");
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/service-principals", new { name = "mes", roles = new[] { "technician" } }));
        await Problems.Expect(await server.PutAsync("/api/service-principals/mes/roles", new { roles = new[] { "approver" } }),
            HttpStatusCode.UnprocessableEntity, "service-approver");
        var token = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/service-principals/mes/tokens", new { lifetimeDays = 30 }));
        var mes = server.AnonymousClient();
        mes.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("token").GetString());
        var me = await ThreadlineTestServer.ExpectSuccess(await mes.GetAsync("/api/auth/me"));
        Assert.Equal(("mes", "Service"), (me.GetProperty("name").GetString(), me.GetProperty("kind").GetString()));
        await Problems.Expect(await mes.PostAsJsonAsync("/api/items", new { number = "X", name = "X", kind = "part" }), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(HttpStatusCode.NoContent, (await server.Client.DeleteAsync($"/api/service-principals/mes/tokens/{token.GetProperty("id").GetInt64()}")).StatusCode);
        await Problems.Expect(await mes.GetAsync("/api/auth/me"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task DisabledUser_CannotLogInNorUseItsTokens()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/users", new { username = "tom", password = Password, roles = new[] { "technician", "viewer" } }));
        var tom = await server.ClientForAsync("tom");
        Assert.Equal(HttpStatusCode.OK, (await tom.GetAsync("/api/auth/me")).StatusCode);
        await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/users/tom/disable", null));
        Assert.Equal(HttpStatusCode.Unauthorized, (await tom.GetAsync("/api/auth/me")).StatusCode);
        await Problems.Expect(await server.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "tom", password = Password }), HttpStatusCode.Unauthorized, "invalid-credentials");
        var users = await server.GetJsonAsync("/api/users");
        Assert.True(users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "tom").GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task OidcToken_RolesMappedByConfiguration()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Security:Oidc:Authority"] = Issuer, ["Security:Oidc:Audience"] = "threadline", ["Security:Oidc:RoleClaim"] = "groups",
            ["Security:Oidc:RoleMapping:plant-engineers"] = "engineer",
        }, services => services.Configure<JwtBearerOptions>(SecurityRegistration.Oidc, o => o.BackchannelHttpHandler = new Provider(key)));
        var client = server.AnonymousClient();

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(key, "e.ng", ["plant-engineers", "canteen"]));
        var me = await ThreadlineTestServer.ExpectSuccess(await client.GetAsync("/api/auth/me"));
        Assert.Equal("e.ng", me.GetProperty("name").GetString());
        Assert.Equal(["engineer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await ThreadlineTestServer.ExpectSuccess(await client.PostAsJsonAsync("/api/items", new { number = "O-1", name = "O", kind = "part" }));

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(key, "guest", ["canteen"]));
        await Problems.Expect(await client.GetAsync("/api/items"), HttpStatusCode.Forbidden, "forbidden");

        using var other = RSA.Create(2048);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(new RsaSecurityKey(other) { KeyId = "test-key" }, "e.ng", ["plant-engineers"]));
        await Problems.Expect(await client.GetAsync("/api/items"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    private const string Issuer = "https://idp.test/realms/plant";

    private static string Token(RsaSecurityKey key, string user, string[] groups) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = "threadline",
        // A window around both the fake server clock (2026) and the real one: the provider's tokens are checked by JwtBearer's own clock.
        IssuedAt = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        NotBefore = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Expires = new DateTime(2100, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Claims = new Dictionary<string, object> { ["preferred_username"] = user, ["groups"] = groups, ["sub"] = user + "-id" },
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });

    /// <summary>The provider's discovery document and signing keys, answered in-process: the real metadata fetch, offline.</summary>
    private sealed class Provider(RsaSecurityKey key) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var parameters = key.Rsa.ExportParameters(false);
            object document = request.RequestUri!.AbsolutePath.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal)
                ? new Dictionary<string, object> { ["issuer"] = Issuer, ["jwks_uri"] = Issuer + "/jwks" }
                : new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) } } };
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(document), Encoding.UTF8, "application/json"),
            });
        }
    }
}
