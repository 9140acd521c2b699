using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;

namespace Apdb.Embedded;

/// <summary>TLS for the embedded cluster: a self-signed certificate made here, switched on without a restart.</summary>
public sealed partial class EmbeddedPostgres
{
    /// <summary>The certificate clients trust for <c>sslmode=verify-full</c> (<c>sslrootcert=</c> this file).</summary>
    public string TlsRootCertificatePath => Path.Combine(Home, "tls-root.crt");

    /// <summary>
    /// Starts the cluster if needed and turns on TLS with a self-signed certificate for <c>localhost</c> and
    /// <c>127.0.0.1</c> (made on first call, kept in the data directory). Plain connections stay allowed, so clients
    /// choose with <c>sslmode</c>. Returns <see cref="TlsRootCertificatePath"/>.
    /// </summary>
    public async Task<string> EnableTlsAsync(CancellationToken cancellationToken = default)
    {
        var cluster = await StartAsync(cancellationToken);
        var certificatePath = Path.Combine(DataDirectory, "server.crt");
        var keyPath = Path.Combine(DataDirectory, "server.key");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            var (certificate, key) = CreateSelfSignedCertificate();

            // The server refuses a key file that others can read: both are created owner-only from the first byte.
            await SecretFile.WriteAsync(keyPath, key, cancellationToken);
            await SecretFile.WriteAsync(certificatePath, certificate, cancellationToken);
            if (ProcessRunner.IsRoot)
            {
                await ChownToServerUserAsync(keyPath, cancellationToken);
                await ChownToServerUserAsync(certificatePath, cancellationToken);
            }
        }

        await File.WriteAllTextAsync(TlsRootCertificatePath, await File.ReadAllTextAsync(certificatePath, cancellationToken), cancellationToken);
        await using (var connection = new NpgsqlConnection(cluster.ConnectionStringFor("postgres")))
        {
            await connection.OpenAsync(cancellationToken);
            foreach (var sql in new[] { "ALTER SYSTEM SET ssl_cert_file = 'server.crt'", "ALTER SYSTEM SET ssl_key_file = 'server.key'", "ALTER SYSTEM SET ssl = on", "SELECT pg_reload_conf()" })
            {
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await WaitForTlsAsync(cluster, cancellationToken);
        return TlsRootCertificatePath;
    }

    /// <summary>The reload is asynchronous: new connections get TLS once the postmaster has read the settings.</summary>
    private async Task WaitForTlsAsync(EmbeddedCluster cluster, CancellationToken cancellationToken)
    {
        var probe = new NpgsqlConnectionStringBuilder(cluster.ConnectionStringFor("postgres")) { SslMode = SslMode.Require, Pooling = false }.ConnectionString;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (attempt < 100)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (NpgsqlException ex)
            {
                throw new ApdbUserException(
                    $"embedded PostgreSQL in {DataDirectory} did not turn TLS on: {ex.Message}{TryReadLogTail(Path.Combine(DataDirectory, "server.log"))}", ex);
            }
        }
    }

    private static (string CertificatePem, string KeyPem) CreateSelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());

        // Its own root: clients name this file as sslrootcert, and verify-full then checks the chain and the host name.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
