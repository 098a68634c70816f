using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Threadline.Features.Assets;
using Threadline.Storage;

namespace Threadline.Features.Ingestion.Security;

/// <summary>
/// Issues, rotates, revokes and checks the MQTT credentials of devices (an asset's IoT device, a Sparkplug edge node).
/// Passwords are kept as ASP.NET Core Identity PasswordHasher hashes in the relational store. Verifying one costs a
/// PBKDF2 run, so a verified credential is remembered for Mqtt:CredentialCacheSeconds (as a SHA-256 of the password,
/// in memory): a fleet reconnecting after a network cut does not queue behind the hasher. A revocation or rotation on
/// this server forgets it at once and disconnects the sessions that used it.
/// </summary>
public sealed class DeviceCredentials(ThreadlineDb db, IAssetLookup assets, TimeProvider time, IOptions<MqttOptions> options)
{
    private static readonly PasswordHasher<DeviceCredentialRow> Hasher = new();
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    /// <summary>Raised with the username after a credential is replaced or revoked, so the broker can close its sessions.</summary>
    internal event Func<string, Task>? Withdrawn;

    /// <summary>A new credential for the asset's device, replacing any earlier one; null when the asset is unknown.</summary>
    public async Task<DeviceCredential?> IssueForAssetAsync(string assetId, CancellationToken ct)
    {
        if (await assets.FindByAssetIdAsync(assetId, ct) is null || assetId == ServerCredential.Username)
        {
            return null;
        }
        return await IssueAsync(MqttPrincipal.ForAsset(assetId), ct);
    }

    /// <summary>A new credential for the Sparkplug edge node, replacing any earlier one.</summary>
    public Task<DeviceCredential> IssueForEdgeNodeAsync(string group, string node, CancellationToken ct) =>
        IssueAsync(MqttPrincipal.ForEdgeNode(group, node), ct);

    /// <summary>Removes the credential; false when there was none. Sessions that connected with it are closed.</summary>
    public async Task<bool> RevokeAsync(string username, CancellationToken ct)
    {
        await using var context = db.CreateContext();
        var removed = await context.Set<DeviceCredentialRow>().Where(r => r.Username == username).ExecuteDeleteAsync(ct) > 0;
        await ForgetAsync(username);
        return removed;
    }

    /// <summary>The principal the username and password stand for, or null when they do not match a credential.</summary>
    public async ValueTask<MqttPrincipal?> AuthenticateAsync(string? username, byte[]? password, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(username) || password is null)
        {
            return null;
        }
        var digest = SHA256.HashData(password);
        if (_verified.TryGetValue(username, out var cached) && cached.Expires > time.GetUtcNow()
            && CryptographicOperations.FixedTimeEquals(cached.Digest, digest))
        {
            return cached.Principal;
        }
        await using var context = db.CreateContext();
        var row = await context.Set<DeviceCredentialRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Username == username, ct);
        if (row is null || Hasher.VerifyHashedPassword(row, row.PasswordHash, System.Text.Encoding.UTF8.GetString(password)) == PasswordVerificationResult.Failed)
        {
            return null;
        }
        var principal = row.ToPrincipal();
        var ttl = TimeSpan.FromSeconds(options.Value.CredentialCacheSeconds);
        if (ttl > TimeSpan.Zero)
        {
            _verified[username] = new Verified(principal, digest, time.GetUtcNow() + ttl);
        }
        return principal;
    }

    /// <summary>
    /// The device a client certificate's subject CN names: "{group}/{node}" is an edge node, anything else an asset's
    /// IoT device id as registered in the installed base. Null when the installed base knows no such device.
    /// </summary>
    public async ValueTask<MqttPrincipal?> ForCertificateAsync(string commonName, CancellationToken ct)
    {
        var slash = commonName.IndexOf('/');
        if (slash > 0 && slash < commonName.Length - 1 && commonName.IndexOf('/', slash + 1) < 0)
        {
            return MqttPrincipal.ForEdgeNode(commonName[..slash], commonName[(slash + 1)..]);
        }
        return await assets.FindByDeviceIdAsync(commonName, ct) is { } binding ? MqttPrincipal.ForAsset(binding.AssetId) : null;
    }

    /// <summary>A password of 32 letters and digits (about 190 bits), easy to paste into a device's configuration.</summary>
    internal static string NewPassword() =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);

    private async Task<DeviceCredential> IssueAsync(MqttPrincipal principal, CancellationToken ct)
    {
        var password = NewPassword();
        var row = new DeviceCredentialRow
        {
            Username = principal.Name,
            Kind = principal.Kind,
            AssetId = principal.AssetId,
            EdgeGroup = principal.Group,
            EdgeNode = principal.Node,
            PasswordHash = "",
            IssuedAt = time.GetUtcNow(),
        };
        row.PasswordHash = Hasher.HashPassword(row, password);
        await using (var context = db.CreateContext())
        {
            // One transaction, so two rotations at once leave one credential, never none.
            await using var transaction = await context.Database.BeginTransactionAsync(ct);
            var set = context.Set<DeviceCredentialRow>();
            await set.Where(r => r.Username == row.Username).ExecuteDeleteAsync(ct);
            set.Add(row);
            await context.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await ForgetAsync(row.Username);
        return new DeviceCredential(row.Username, password);
    }

    private async Task ForgetAsync(string username)
    {
        _verified.TryRemove(username, out _);
        if (Withdrawn is { } withdrawn)
        {
            await withdrawn(username);
        }
    }

    private sealed record Verified(MqttPrincipal Principal, byte[] Digest, DateTimeOffset Expires);
}
