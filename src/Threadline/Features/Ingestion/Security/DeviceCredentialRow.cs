using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Threadline.Features.Ingestion.Security;

/// <summary>
/// One device's MQTT credential: the username it connects with and the hash of its password (ASP.NET Core Identity's
/// PasswordHasher format, PBKDF2). The password itself is never stored. <see cref="IssuedAt"/> is the server clock.
/// </summary>
internal sealed class DeviceCredentialRow
{
    public required string Username { get; set; }

    public MqttPrincipalKind Kind { get; set; }

    public string? AssetId { get; set; }

    public string? EdgeGroup { get; set; }

    public string? EdgeNode { get; set; }

    public required string PasswordHash { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public MqttPrincipal ToPrincipal() => Kind == MqttPrincipalKind.EdgeNode
        ? MqttPrincipal.ForEdgeNode(EdgeGroup!, EdgeNode!)
        : MqttPrincipal.ForAsset(AssetId!);
}

internal sealed class DeviceCredentialConfiguration : IEntityTypeConfiguration<DeviceCredentialRow>
{
    public void Configure(EntityTypeBuilder<DeviceCredentialRow> row)
    {
        row.ToTable("device_credentials");
        row.HasKey(r => r.Username);
        row.Property(r => r.Kind).HasConversion<string>();
    }
}
