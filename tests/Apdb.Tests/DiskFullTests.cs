using System.Diagnostics;
using Apdb.History;
using Apdb.Schema;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>
/// A history load whose database sits on a disk that fills mid-load: a database created in a tablespace on an 8 MB
/// tmpfs (the schema takes about 3 MB, the tiny history about 11 MB more), on the embedded cluster.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DiskFullTests(PostgresServer server)
{
    [SmallDiskFact]
    public async Task A_load_that_fills_the_disk_is_refused_in_one_line_and_never_says_complete()
    {
        var disk = Directory.CreateTempSubdirectory("apdb-full-").FullName;
        var name = $"full_{Guid.NewGuid():N}"[..20];
        await SmallDisk.MountAsync(disk, megabytes: 8);
        try
        {
            await AdminAsync($"CREATE TABLESPACE {name} LOCATION '{disk}'");
            await AdminAsync($"CREATE DATABASE {name} TABLESPACE {name}");
            var builder = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Database = name };
            await using (var dataSource = NpgsqlDataSource.Create(builder.ConnectionString))
            {
                await SchemaMigrator.MigrateAsync(dataSource);

                var refused = await Assert.ThrowsAsync<ApdbUserException>(() => HistoryLoader.LoadAsync(dataSource, "tiny"));

                Assert.StartsWith("load-history: the database server's disk is full (53100:", refused.Message, StringComparison.Ordinal);
                Assert.Contains("No space left on device", refused.Message, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', refused.Message);
                Assert.Equal("loading", await HistoryLoader.GetStateAsync(dataSource));
            }

            NpgsqlConnection.ClearAllPools();
        }
        finally
        {
            await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await AdminAsync($"DROP TABLESPACE IF EXISTS {name}");
            await SmallDisk.UnmountAsync(disk);
            Directory.Delete(disk, recursive: true);
        }
    }

    private async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        // CREATE and DROP DATABASE each wait for a checkpoint of the whole shared test cluster, which can take longer
        // than the default 30 s while other tests write: no timeout here.
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// A fact that needs a small disk: root, permission to mount a tmpfs, and the embedded cluster (whose server process
/// sees this machine's mounts; the tablespace directory is handed to its <c>postgres</c> user). Skipped otherwise,
/// with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SmallDiskFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(Probe);

    public SmallDiskFactAttribute()
    {
        if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Probe()
    {
        if (Environment.GetEnvironmentVariable("APDB_TEST_DB") is { Length: > 0 })
        {
            return "APDB_TEST_DB names an external server, whose disks a test cannot fill";
        }

        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock"))
        {
            return "the test server may run in a container, which does not see this machine's mounts";
        }

        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "needs root on Linux to mount a small tmpfs";
        }

        var dir = Directory.CreateTempSubdirectory("apdb-probe-").FullName;
        try
        {
            SmallDisk.MountAsync(dir, 1).GetAwaiter().GetResult();
            SmallDisk.UnmountAsync(dir).GetAwaiter().GetResult();
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return $"cannot mount a tmpfs here: {ex.Message}";
        }
        finally
        {
            Directory.Delete(dir);
        }
    }
}

/// <summary>A tmpfs of a given size, owned by the cluster's <c>postgres</c> user.</summary>
internal static class SmallDisk
{
    public static async Task MountAsync(string dir, int megabytes)
    {
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", dir);
        await RunAsync("chown", "postgres:postgres", dir);
    }

    public static Task UnmountAsync(string dir) => RunAsync("umount", dir);

    private static async Task RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: exit {process.ExitCode}: {error.Trim()}");
        }
    }
}
