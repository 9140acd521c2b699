using System.Globalization;
using Apdb.Embedded;
using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// A sharded APDB on this machine: a coordinator and N shard clusters, each an <see cref="EmbeddedPostgres"/> with its
/// own home (<c>{home}/coordinator</c>, <c>{home}/shard-{i}</c>: data directory, loopback port and generated secret).
/// The shards allow prepared transactions (two-phase stores); the setting is made on first start.
/// </summary>
public sealed class ShardedEmbedded
{
    /// <summary>The file under the home that records how many shards the layout has.</summary>
    public const string CountFile = "shards";

    private readonly string _home;

    /// <summary>A handle on the layout under <paramref name="home"/> with <paramref name="shards"/> shards; nothing is started.</summary>
    public ShardedEmbedded(string home, int shards, string sharedBuffers = "512MB")
    {
        ArgumentException.ThrowIfNullOrEmpty(home);
        if (shards is < 1 or > 64)
        {
            throw new ApdbUserException($"--shards {shards} is outside 1-64 (each shard is a server on this machine)");
        }

        _home = home;
        Coordinator = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = Path.Combine(home, "coordinator"), SharedBuffers = sharedBuffers, MaintenanceWorkMem = "256MB" });
        Shards = [.. Enumerable.Range(0, shards).Select(i => new EmbeddedPostgres(new EmbeddedPostgresOptions
        {
            Home = Path.Combine(home, string.Create(CultureInfo.InvariantCulture, $"shard-{i}")),
            SharedBuffers = sharedBuffers,
            MaintenanceWorkMem = "256MB",
        }))];
    }

    /// <summary>The coordinator cluster.</summary>
    public EmbeddedPostgres Coordinator { get; }

    /// <summary>The shard clusters, in shard order.</summary>
    public IReadOnlyList<EmbeddedPostgres> Shards { get; }

    /// <summary>The shard count recorded under <paramref name="home"/> by a previous <c>up --shards</c>, or null.</summary>
    public static int? RecordedShards(string home)
    {
        var path = Path.Combine(home, CountFile);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>Starts (creating when needed) every cluster at once; returns the coordinator and the shards.</summary>
    public async Task<(EmbeddedCluster Coordinator, EmbeddedCluster[] Shards)> StartAsync(CancellationToken cancellationToken = default)
    {
        if (RecordedShards(_home) is { } recorded && recorded != Shards.Count)
        {
            throw new ApdbUserException($"{_home} holds a layout of {recorded} shards, not {Shards.Count}: use that count, or 'apdb down' and remove the directory");
        }

        Directory.CreateDirectory(_home);
        var coordinator = Coordinator.StartAsync(cancellationToken);
        var shards = Shards.Select(s => StartShardAsync(s, cancellationToken)).ToList();
        await Task.WhenAll([coordinator, .. shards]);
        await File.WriteAllTextAsync(Path.Combine(_home, CountFile), Shards.Count.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return (await coordinator, [.. shards.Select(s => s.Result)]);
    }

    /// <summary>The target the running clusters make (superuser connections).</summary>
    public static ShardedTarget TargetOf(EmbeddedCluster coordinator, IEnumerable<EmbeddedCluster> shards) =>
        new(coordinator.ConnectionString, [.. shards.Select(s => s.ConnectionString)]);

    /// <summary>Stops every cluster that runs; returns how many did.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken = default)
    {
        var stopped = await Task.WhenAll(Shards.Append(Coordinator).Select(s => s.StopAsync(cancellationToken)));
        return stopped.Count(s => s);
    }

    /// <summary>
    /// Starts a cluster and makes sure it allows prepared transactions (as many as connections), restarting it once
    /// when the setting is new.
    /// </summary>
    public static async Task<EmbeddedCluster> StartShardAsync(EmbeddedPostgres server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var cluster = await server.StartAsync(cancellationToken);
        await using var connection = new NpgsqlConnection(cluster.ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var show = new NpgsqlCommand("SELECT current_setting('max_prepared_transactions')::int", connection);
        if (await show.ExecuteScalarAsync(cancellationToken) is int n && n > 0)
        {
            return cluster;
        }

        await using (var set = new NpgsqlCommand("ALTER SYSTEM SET max_prepared_transactions = 250", connection))
        {
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await connection.CloseAsync();
        NpgsqlConnection.ClearAllPools();
        await server.StopAsync(cancellationToken);
        return await server.StartAsync(cancellationToken);
    }
}
