using Apdb.Schema;
using Apdb.Sharded.Tests.Support;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Sharded.Tests;

/// <summary>
/// The coordinator's reader and writer roles, mapped to the shards' own: the reader reads every shard and cannot
/// write (refused by the coordinator, and by the shard when the coordinator's check is lifted); the writer writes.
/// </summary>
[Collection(ShardedCollection.Name)]
public sealed class CoordinatorRoleTests(ShardedServer server) : IAsyncLifetime
{
    private ShardedFixture _f = null!;
    private string _reader = string.Empty;
    private string _writer = string.Empty;

    public async Task InitializeAsync()
    {
        _f = await ShardedFixture.CreateAsync(server, "roles", ShardLayout.Interleaved(3, 16));
        var database = new NpgsqlConnectionStringBuilder(_f.Target.Coordinator).Database!;
        (_reader, _writer) = (ApdbRoles.NameFor(database, ApdbRole.Reader), ApdbRoles.NameFor(database, ApdbRole.Writer));
        // 30 objects 36" apart along a line: over many depth-16 pixels, so on every shard.
        var dv = new DetectorVisit(77, 1);
        var sources = Enumerable.Range(0, 30).Select(k => new Records.DiaSource
        {
            DiaSourceId = 7700 + k, DiaObjectId = 7700 + k, Visit = dv.Visit, Detector = dv.Detector, MidpointMjdTai = 60100,
            Ra = 10 + (k * 0.01), Dec = -30, Band = "r", PsfFlux = 1000f, PsfFluxErr = 10f,
        }).ToList();
        await _f.Sharded.StoreAsync(dv, 60100, CountingSummarizer.Instance, sources, []);
    }

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task The_reader_reads_every_shard_through_the_coordinator_and_cannot_write()
    {
        var all = await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM \"DiaSource\"");
        var onShards = 0L;
        foreach (var shard in _f.Sharded.Shards)
        {
            onShards += await _f.CountAsync(shard, "SELECT count(*) FROM \"DiaSource\"") > 0 ? 1 : 0;
        }

        Assert.Equal(3, onShards);
        Assert.Equal(all, await AsRoleAsync(_reader, "SELECT count(*) FROM \"DiaSource\""));
        Assert.True(await AsRoleAsync(_reader, "SELECT count(*) FROM dia_objects_in_cone(10.1, -30, 0.05)") > 0);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => AsRoleAsync(_reader, "UPDATE \"DiaSource\" SET \"psfFlux\" = 0"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
    }

    [Fact]
    public async Task A_write_the_coordinator_let_through_is_refused_by_the_shard()
    {
        // Lift the coordinator's own check for one transaction: the shard's reader login still may not write.
        var error = await Assert.ThrowsAsync<PostgresException>(() => AsRoleAsync(_reader, "UPDATE apdb_shard_1.\"DiaSource\" SET \"psfFlux\" = 0",
            $"GRANT UPDATE ON apdb_shard_1.\"DiaSource\" TO {Quote(_reader)}"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("permission denied", error.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_writer_writes_through_the_coordinator()
    {
        var sources = await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM \"DiaSource\"");
        Assert.Equal(sources, await AsRoleAsync(_writer, "WITH u AS (UPDATE \"DiaSource\" SET \"psfFlux\" = \"psfFlux\" RETURNING 1) SELECT count(*) FROM u"));
    }

    /// <summary>Runs a scalar query as <paramref name="role"/> (SET LOCAL ROLE) in a transaction that is rolled back.</summary>
    private async Task<long> AsRoleAsync(string role, string sql, string? asAdminFirst = null)
    {
        await using var connection = await _f.Coordinator.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (asAdminFirst is not null)
        {
            await using var admin = new NpgsqlCommand(asAdminFirst, connection, transaction);
            await admin.ExecuteNonQueryAsync();
        }

        await using (var set = new NpgsqlCommand($"SET LOCAL ROLE {Quote(role)}", connection, transaction))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var result = Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.RollbackAsync();
        return result;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
