using Apdb.Embedded;
using Npgsql;

namespace Apdb.Tests;

/// <summary>The launcher itself, on a cluster of its own (not the run's shared server).</summary>
public sealed class EmbeddedPostgresTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"apdb-launcher-{Guid.NewGuid():N}"[..36]);
    private EmbeddedPostgres _postgres = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
        }

        _postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = _home, SharedBuffers = "64MB", MaintenanceWorkMem = "64MB" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _postgres.StopAsync();
        _postgres.Delete();
    }

    [Fact]
    public async Task Start_creates_a_cluster_reuses_it_and_recovers_from_a_stale_pid_file()
    {
        var first = await _postgres.StartAsync();
        var again = await _postgres.StartAsync();
        Assert.Equal(first.ServerPid, again.ServerPid);
        Assert.Equal(first.Port, again.Port);

        // The secret is the owner's alone, and SCRAM is what the server asks for.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_home, "secret")));
        }

        await using (var connection = new NpgsqlConnection(first.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT current_setting('password_encryption'), current_user, current_setting('wal_compression'), current_setting('fsync')", connection);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal("scram-sha-256", reader.GetString(0));
            Assert.Equal(EmbeddedPostgres.DatabaseUser, reader.GetString(1));
            Assert.Equal("on", reader.GetString(3));
            var walCompression = reader.GetString(2);
            await reader.CloseAsync();

            // lz4 for the store's full-page images whenever the server was built with it (its own build options say).
            await using var configure = new NpgsqlCommand("SELECT setting FROM pg_config WHERE name = 'CONFIGURE'", connection);
            var built = (string)(await configure.ExecuteScalarAsync())!;
            Assert.Equal(built.Contains("--with-lz4", StringComparison.Ordinal) ? "lz4" : "pglz", walCompression);
        }

        var wrongPassword = new NpgsqlConnectionStringBuilder(first.ConnectionString) { Password = "not-the-secret" }.ConnectionString;
        await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var c = new NpgsqlConnection(wrongPassword);
            await c.OpenAsync();
        });

        NpgsqlConnection.ClearAllPools();
        Assert.True(await _postgres.StopAsync());
        Assert.Null(await _postgres.TryAttachAsync());

        // A crash leaves postmaster.pid behind, naming a process that no longer exists.
        var pidFile = Path.Combine(_postgres.DataDirectory, "postmaster.pid");
        await File.WriteAllLinesAsync(pidFile, ["999999", _postgres.DataDirectory, "0", first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _postgres.DataDirectory, "127.0.0.1", "0", "ready"]);

        var restarted = await _postgres.StartAsync();

        Assert.NotEqual(999999, restarted.ServerPid);
        await using var after = new NpgsqlConnection(restarted.ConnectionString);
        await after.OpenAsync();
        Assert.Equal(System.Data.ConnectionState.Open, after.State);
        Assert.StartsWith("postgresql://apdb:", restarted.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_home_whose_path_holds_spaces_and_quotes_starts_and_stops()
    {
        var home = Path.Combine(_home, "my 'apdb' home, with spaces");
        Directory.CreateDirectory(home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);
        }

        var postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = home, SharedBuffers = "64MB", MaintenanceWorkMem = "64MB" });
        try
        {
            var cluster = await postgres.StartAsync();
            await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT current_setting('unix_socket_directories')", connection);
                Assert.Equal($"\"{postgres.DataDirectory}\"", (string?)await command.ExecuteScalarAsync());
            }

            Assert.True(File.Exists(Path.Combine(postgres.DataDirectory, $".s.PGSQL.{cluster.Port}")));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await postgres.StopAsync();
        }

        Assert.Null(await postgres.TryAttachAsync());
    }

    [Fact]
    public async Task A_home_pg_ctl_cannot_quote_is_refused_in_one_line()
    {
        var postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = Path.Combine(_home, "price $HOME") });

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => postgres.StartAsync());

        Assert.Contains("price $HOME", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(postgres.Home));
    }

    [Fact]
    public async Task A_stale_pid_file_naming_a_process_called_postgres_that_is_not_our_server_is_recovered()
    {
        var first = await _postgres.StartAsync();
        NpgsqlConnection.ClearAllPools();
        Assert.True(await _postgres.StopAsync());

        // After a reboot the pid in the file belongs to another program whose name is "postgres" (here sleep, run
        // through a link of that name, from a directory that is not the data directory).
        var impostorDir = Path.Combine(_home, "elsewhere");
        Directory.CreateDirectory(impostorDir);
        var impostorPath = Path.Combine(impostorDir, "postgres");
        File.CreateSymbolicLink(impostorPath, File.Exists("/usr/bin/sleep") ? "/usr/bin/sleep" : "/bin/sleep");
        using var impostor = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(impostorPath, "600") { WorkingDirectory = impostorDir, UseShellExecute = false })!;
        try
        {
            var pidFile = Path.Combine(_postgres.DataDirectory, "postmaster.pid");
            var pid = impostor.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await File.WriteAllLinesAsync(pidFile, [pid, _postgres.DataDirectory, "0", first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), _postgres.DataDirectory, "127.0.0.1", "0", "ready"]);

            var restarted = await _postgres.StartAsync();

            Assert.NotEqual(impostor.Id, restarted.ServerPid);
            await using var after = new NpgsqlConnection(restarted.ConnectionString);
            await after.OpenAsync();
            Assert.Equal(System.Data.ConnectionState.Open, after.State);
            Assert.False(impostor.HasExited);
        }
        finally
        {
            impostor.Kill();
        }
    }

    [Fact]
    public async Task Missing_server_binaries_give_advice_in_one_line()
    {
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => PostgresBinaries.LocateAsync(["/nonexistent/bin"], CancellationToken.None));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("--db", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
