using System.Net;
using Microsoft.Extensions.Options;
using Threadline.Hosting;
using Threadline.Testing;

namespace Threadline.Features.Security;

public sealed class SecurityPipelineTests
{
    [Fact]
    public async Task RequestForAnotherHostName_IsRefused()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        // A DNS-rebinding page reaches the server under its own name.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/items");
        request.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await server.Client.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/items")).StatusCode);
    }

    [Fact]
    public async Task RequestsPastThePrincipalsLimit_Get429()
    {
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Security:RequestsPerMinute"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/api/items")).StatusCode);
        }
        await Problems.Expect(await server.Client.GetAsync("/api/items"), HttpStatusCode.TooManyRequests, "rate-limited");
        // Another principal has its own budget.
        var other = await server.ClientWithRolesAsync("viewer");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/items")).StatusCode);
    }

    [Fact]
    public async Task FirstStartWithoutUsersOrBootstrapPassword_IsRefusedWithTheWayOut()
    {
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["Security:BootstrapAdminPassword"] = null }));
        Assert.Contains("threadline users add NAME --role admin", Assert.Single(refused.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_CreatesTheFirstAdmin_ThenTheServerStarts()
    {
        var data = Directory.CreateTempSubdirectory("threadline-users-").FullName;
        await using (var tools = await ToolServices.StartAsync(new Dictionary<string, string?> { ["DataDirectory"] = data }, CancellationToken.None))
        {
            var output = new StringWriter();
            Assert.Equal(0, await SecurityCommands.AddUserAsync(tools, "root.admin", ["admin"], new StringReader("a long enough password\n"), output, CancellationToken.None));
            Assert.Contains("Created user root.admin (admin)", output.ToString(), StringComparison.Ordinal);
        }
        await using var server = await ThreadlineTestServer.StartAsync(new Dictionary<string, string?> { ["DataDirectory"] = data, ["Security:BootstrapAdminPassword"] = null });
        var root = await server.ClientForAsync("root.admin");
        var users = await ThreadlineTestServer.ExpectSuccess(await root.GetAsync("/api/users"));
        Assert.Equal(["root.admin"], users.EnumerateArray().Select(u => u.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task UserManagement_ChangesRolesAndRefusesUnknownOnes()
    {
        await using var server = await ThreadlineTestServer.StartAsync();
        var created = await ThreadlineTestServer.ExpectSuccess(await server.PostAsync("/api/users", new { username = "anna", password = "twelve chars long", roles = new[] { "viewer" } }));
        Assert.Equal(["viewer"], created.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        var changed = await ThreadlineTestServer.ExpectSuccess(await server.PutAsync("/api/users/anna/roles", new { roles = new[] { "engineer", "approver" } }));
        Assert.Equal(["engineer", "approver"], changed.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        await Problems.Expect(await server.PutAsync("/api/users/anna/roles", new { roles = new[] { "superuser" } }), HttpStatusCode.UnprocessableEntity, "unknown-role");
        await Problems.Expect(await server.PostAsync("/api/users", new { username = "bob", password = "short", roles = new[] { "viewer" } }), HttpStatusCode.UnprocessableEntity, "weak-password");
        await Problems.Expect(await server.PostAsync("/api/users", new { username = "anna", password = "twelve chars long", roles = new[] { "viewer" } }), HttpStatusCode.UnprocessableEntity, "name-taken");
    }
}
