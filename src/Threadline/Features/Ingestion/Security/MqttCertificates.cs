using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Threadline.Features.Ingestion.Security;

/// <summary>Loads the certificates of MQTT over TLS and judges a client certificate against the configured device CA.</summary>
public static class MqttCertificates
{
    /// <summary>A PFX file, or a PEM certificate with its PEM key (encrypted when <paramref name="password"/> is given).</summary>
    public static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        if (keyPath is null && !Path.GetExtension(path).Equals(".pem", StringComparison.OrdinalIgnoreCase)
            && !Path.GetExtension(path).Equals(".crt", StringComparison.OrdinalIgnoreCase))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        var pem = password is null
            ? X509Certificate2.CreateFromPemFile(path, keyPath)
            : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        // SslStream needs the key in a form the platform's TLS stack can use; a PKCS#12 round trip gives it one.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// A TLS validation callback that accepts a client without a certificate (it authenticates with a username and
    /// password after the handshake) and a certificate whose chain ends at <paramref name="ca"/>; any other is refused.
    /// </summary>
    public static RemoteCertificateValidationCallback TrustedBy(X509Certificate2 ca) => (_, certificate, _, _) =>
    {
        if (certificate is null)
        {
            return true;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // Devices on an OT network rarely reach a CRL or OCSP responder, so none is asked (docs/security.md).
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    };
}
