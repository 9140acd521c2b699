using Apdb.Schema;
using Npgsql;

namespace Apdb.Sharded.Tests.Support;

/// <summary>A 3-shard APDB with a coordinator, and a single-server APDB beside it, for one test class.</summary>
public sealed class ShardedFixture : IAsyncDisposable
{
    private ShardedFixture(ShardedTarget target, ShardedApdb sharded, NpgsqlDataSource single, NpgsqlDataSource coordinator, ShardLayout layout)
    {
        Target = target;
        Sharded = sharded;
        Single = single;
        SingleStore = new ApdbStore(single);
        Coordinator = coordinator;
        Layout = layout;
    }

    public ShardedTarget Target { get; }

    public ShardedApdb Sharded { get; }

    public NpgsqlDataSource Single { get; }

    public ApdbStore SingleStore { get; }

    public NpgsqlDataSource Coordinator { get; }

    public ShardLayout Layout { get; }

    public static async Task<ShardedFixture> CreateAsync(ShardedServer server, string prefix, ShardLayout layout)
    {
        var stem = $"{prefix}_{Guid.NewGuid():N}"[..20].ToLowerInvariant();
        var single = NpgsqlDataSource.Create(await server.CreateDatabaseAsync($"{stem}_one"));
        await SchemaMigrator.MigrateAsync(single);
        var coordinator = await server.CreateDatabaseAsync($"{stem}_co");
        var shards = new List<string>();
        for (var i = 0; i < layout.ShardCount; i++)
        {
            shards.Add(await server.CreateDatabaseAsync($"{stem}_s{i}"));
        }

        var target = new ShardedTarget(coordinator, shards);
        await ShardedSchema.InitAsync(target, layout);
        var sharded = await ShardedApdb.OpenAsync(target);
        return new ShardedFixture(target, sharded, single, NpgsqlDataSource.Create(coordinator), layout);
    }

    public async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Sharded.DisposeAsync();
        await Single.DisposeAsync();
        await Coordinator.DisposeAsync();
    }
}
