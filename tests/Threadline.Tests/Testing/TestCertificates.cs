using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Threadline.Testing;

/// <summary>
/// A throwaway CA, a server certificate for 127.0.0.1 and client certificates, made in the test with
/// <see cref="CertificateRequest"/> and written as PEM files into a temporary folder deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;

    public TestCertificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("threadline-certs-").FullName;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Threadline test CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaPath = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
        (ServerCertificatePath, ServerKeyPath) = Write("server", Issue("CN=127.0.0.1", server: true, _ca));
    }

    public string Directory { get; }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    /// <summary>A client certificate with subject CN <paramref name="commonName"/>, signed by this CA.</summary>
    public X509Certificate2 Client(string commonName) => Issue($"CN={commonName}", server: false, _ca);

    /// <summary>A client certificate signed by nobody this server trusts (self-signed).</summary>
    public static X509Certificate2 Untrusted(string commonName) => Issue($"CN={commonName}", server: false, issuer: null);

    /// <summary>Writes a certificate and its key as PEM files; returns their paths.</summary>
    public (string Certificate, string Key) Write(string name, X509Certificate2 certificate)
    {
        var paths = (Path.Combine(Directory, name + ".pem"), Path.Combine(Directory, name + ".key"));
        File.WriteAllText(paths.Item1, certificate.ExportCertificatePem());
        File.WriteAllText(paths.Item2, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return paths;
    }

    public void Dispose()
    {
        _ca.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static X509Certificate2 Issue(string subject, bool server, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [server ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        var from = DateTimeOffset.UtcNow.AddDays(-1);
        var to = DateTimeOffset.UtcNow.AddDays(7);
        if (issuer is null)
        {
            return request.CreateSelfSigned(from, to);
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        using var signed = request.Create(issuer, from, to, serial);
        // Create gives the public part only; the key is attached so the certificate can authenticate a TLS peer.
        var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
