using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Apdb.Embedded;
using Npgsql;

namespace Apdb.Tests;

/// <summary>
/// TLS through a --db URI, against an embedded cluster of its own with TLS switched on (a self-signed certificate made
/// by the launcher): the URI's sslmode decides, as libpq's would, and verify-full really verifies.
/// </summary>
public sealed class TlsTests(TlsTests.Cluster server) : IClassFixture<TlsTests.Cluster>
{
    [Theory]
    [InlineData("sslmode=require", true)]
    [InlineData("sslmode=prefer", true)]
    [InlineData("sslmode=disable", false)]
    [InlineData("sslmode=verify-full&sslrootcert={root}", true)]
    [InlineData("sslmode=verify-ca&sslrootcert={root}", true)]
    public async Task The_uri_sslmode_decides_whether_the_session_is_encrypted(string parameters, bool encrypted)
    {
        var uri = Uri("127.0.0.1", parameters.Replace("{root}", System.Uri.EscapeDataString(server.RootCertificate), StringComparison.Ordinal));

        await using var dataSource = await ApdbConnector.ConnectAsync(uri);
        await using var command = dataSource.CreateCommand("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");

        Assert.Equal(encrypted, (bool)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Verify_full_refuses_a_server_whose_certificate_another_root_signed()
    {
        var otherRoot = Path.Combine(server.Home, "other-root.crt");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var other = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllTextAsync(otherRoot, other.ExportCertificatePem());
        }

        var uri = Uri("127.0.0.1", $"sslmode=verify-full&sslrootcert={System.Uri.EscapeDataString(otherRoot)}");

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => ApdbConnector.ConnectAsync(uri));

        Assert.Contains("TLS", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Embedded.Password, error.Message, StringComparison.Ordinal);
    }

    private string Uri(string host, string parameters) =>
        $"postgresql://{server.Embedded.User}:{System.Uri.EscapeDataString(server.Embedded.Password)}@{host}:{server.Embedded.Port}/{server.Embedded.Database}?{parameters}";

    /// <summary>One TLS-enabled cluster for the class's tests.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private EmbeddedPostgres _postgres = null!;

        public string Home { get; } = Path.Combine(Path.GetTempPath(), $"apdb-tls-{Guid.NewGuid():N}"[..30]);

        public EmbeddedCluster Embedded { get; private set; } = null!;

        public string RootCertificate { get; private set; } = string.Empty;

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Home);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Home, (UnixFileMode)0b111_101_101);
            }

            _postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = Home, SharedBuffers = "64MB", MaintenanceWorkMem = "64MB" });
            RootCertificate = await _postgres.EnableTlsAsync();
            Embedded = await _postgres.StartAsync();
        }

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await _postgres.StopAsync();
            _postgres.Delete();
        }
    }
}
