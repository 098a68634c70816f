using System.Text;
using Microsoft.EntityFrameworkCore;
using Threadline.Storage;
using Threadline.Testing;

namespace Threadline.Features.Ingestion.Security;

/// <summary>Device credentials through the service, on the relational store of each provider.</summary>
public class DeviceCredentialsTests
{
    protected virtual Task<ThreadlineTestServer> StartAsync() => ThreadlineTestServer.StartAsync();

    [Fact]
    public async Task IssuedCredential_Authenticates_AndOnlyItsHashIsStored()
    {
        await using var server = await StartAsync();
        var credentials = server.Services.GetRequiredService<DeviceCredentials>();

        var issued = await credentials.IssueForEdgeNodeAsync("plant1", "edge1", default);
        var principal = await credentials.AuthenticateAsync(issued.Username, Encoding.UTF8.GetBytes(issued.Password), default);
        var wrong = await credentials.AuthenticateAsync(issued.Username, Encoding.UTF8.GetBytes(issued.Password + "x"), default);

        Assert.Equal(MqttPrincipal.ForEdgeNode("plant1", "edge1"), principal);
        Assert.Null(wrong);
        await using var db = server.Services.GetRequiredService<ThreadlineDb>().CreateContext();
        var row = await db.Set<DeviceCredentialRow>().SingleAsync();
        Assert.Equal("plant1/edge1", row.Username);
        Assert.DoesNotContain(issued.Password, row.PasswordHash, StringComparison.Ordinal);
        Assert.StartsWith("AQAAAA", row.PasswordHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatedAndRevokedCredentials_NoLongerAuthenticate_EvenRightAfterASuccessfulLogin()
    {
        await using var server = await StartAsync();
        var credentials = server.Services.GetRequiredService<DeviceCredentials>();
        var first = await credentials.IssueForEdgeNodeAsync("plant1", "edge1", default);
        Assert.NotNull(await credentials.AuthenticateAsync(first.Username, Encoding.UTF8.GetBytes(first.Password), default));

        var second = await credentials.IssueForEdgeNodeAsync("plant1", "edge1", default);
        var oldAfterRotation = await credentials.AuthenticateAsync(first.Username, Encoding.UTF8.GetBytes(first.Password), default);
        var newAfterRotation = await credentials.AuthenticateAsync(second.Username, Encoding.UTF8.GetBytes(second.Password), default);
        var revoked = await credentials.RevokeAsync(second.Username, default);
        var afterRevocation = await credentials.AuthenticateAsync(second.Username, Encoding.UTF8.GetBytes(second.Password), default);

        Assert.Null(oldAfterRotation);
        Assert.NotNull(newAfterRotation);
        Assert.True(revoked);
        Assert.Null(afterRevocation);
        Assert.False(await credentials.RevokeAsync(second.Username, default));
    }
}

public sealed class DeviceCredentialsOnPostgresTests(PostgresDatabaseFactory databases) : DeviceCredentialsTests, IClassFixture<PostgresDatabaseFactory>
{
    protected override async Task<ThreadlineTestServer> StartAsync() =>
        await ThreadlineTestServer.StartOnPostgresAsync(await databases.CreateAsync());
}
