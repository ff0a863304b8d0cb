using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Terrain.Infrastructure;

/// <summary>
/// The data-protection keys (which sign cookies and tokens) live in the database; a certificate from configuration
/// (Terrain:KeyCertificatePath, a PFX, and Terrain:KeyCertificatePassword) encrypts them there, so that a copy of the
/// database alone cannot forge a sign-in. Without one, keys are stored in the clear and the framework says so.
/// </summary>
public static class KeyEncryption
{
    public const string PathKey = "Terrain:KeyCertificatePath";
    public const string PasswordKey = "Terrain:KeyCertificatePassword";

    public static IDataProtectionBuilder ProtectKeysWithConfiguredCertificate(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        if (configuration[PathKey] is not { Length: > 0 } path)
        {
            return builder;
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{PathKey} names '{Path.GetFullPath(path)}', which does not exist.");
        }

        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordKey]);
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{PathKey}: the certificate has no private key, so the keys it encrypts could not be read back.");
        }

        return builder.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
    }

    /// <summary>
    /// The demo's own key-encryption certificate, made on its first start in the data directory and kept there
    /// (readable by its owner only), so that the demo starts without the unencrypted-keys warning.
    /// </summary>
    public static string EnsureDemoCertificate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "demo-key-encryption.pfx");
        if (File.Exists(path))
        {
            return path;
        }

        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=Terrain demo key encryption", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, certificate.Export(X509ContentType.Pfx));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
