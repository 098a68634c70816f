using System.Security.Cryptography;

namespace Threadline.Features.Ingestion.Security;

/// <summary>
/// The credential of Threadline's own MQTT clients (the demo simulator, tests through the server's services): made
/// at random when the process starts, held in memory only, so it is worth nothing once the process ends.
/// </summary>
public sealed class ServerCredential
{
    /// <summary>Never issued to a device: <see cref="DeviceCredentials"/> refuses this name.</summary>
    public const string Username = "$threadline";

    public string Password { get; } = DeviceCredentials.NewPassword();

    internal bool Matches(string? username, byte[]? password) =>
        username == Username && password is not null
        && CryptographicOperations.FixedTimeEquals(password, System.Text.Encoding.UTF8.GetBytes(Password));
}
