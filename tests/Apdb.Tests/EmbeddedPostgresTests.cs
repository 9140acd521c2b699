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
    public async Task Missing_server_binaries_give_advice_in_one_line()
    {
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => PostgresBinaries.LocateAsync(["/nonexistent/bin"], CancellationToken.None));

        Assert.Contains("apt-get install postgresql", error.Message, StringComparison.Ordinal);
        Assert.Contains("--db", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
