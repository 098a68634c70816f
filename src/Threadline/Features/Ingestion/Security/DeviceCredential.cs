namespace Threadline.Features.Ingestion.Security;

/// <summary>An MQTT username and password as issued: the password is shown this once and only its hash is kept.</summary>
public sealed record DeviceCredential(string Username, string Password);
