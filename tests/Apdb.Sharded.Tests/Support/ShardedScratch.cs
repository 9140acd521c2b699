using Npgsql;

namespace Apdb.Sharded.Tests.Support;

/// <summary>
/// An empty sharded APDB for each test that needs one (the <see cref="IApdb"/> contract suite), cheaply: the shards
/// and the coordinator are made once per run, and each test gets them back with every table emptied
/// (<c>TRUNCATE</c> on each shard; the layout in <c>metadata</c> and the coordinator's foreign tables stay). Tests that
/// use it run one at a time (one xunit collection).
/// </summary>
public sealed class ShardedScratch
{
    private const string EmptyTablesSql =
        "SELECT string_agg(format('%I', c.relname), ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'metadata'";

    private readonly ShardedServer _server;
    private readonly string _prefix;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ScratchApdb? _apdb;

    public ShardedScratch(ShardedServer server, ShardLayout layout, string prefix)
    {
        _server = server;
        Layout = layout;
        _prefix = prefix;
    }

    public ShardLayout Layout { get; }

    /// <summary>The run's sharded APDB, empty.</summary>
    public async Task<ScratchApdb> EmptyAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _apdb ??= await CreateAsync();
            await Task.WhenAll(_apdb.Apdb.Shards.Select(TruncateAsync));
            return _apdb;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ScratchApdb> CreateAsync()
    {
        var shards = new List<string>();
        for (var i = 0; i < Layout.ShardCount; i++)
        {
            shards.Add(await _server.CreateDatabaseAsync($"{_prefix}_s{i}"));
        }

        var target = new ShardedTarget(await _server.CreateDatabaseAsync($"{_prefix}_co"), shards);
        await ShardedSchema.InitAsync(target, Layout);
        return new ScratchApdb(target, await ShardedApdb.OpenAsync(target), NpgsqlDataSource.Create(target.Coordinator!));
    }

    private static async Task TruncateAsync(NpgsqlDataSource shard)
    {
        await using var connection = await shard.OpenConnectionAsync();
        await using var list = new NpgsqlCommand(EmptyTablesSql, connection);
        var tables = (string)(await list.ExecuteScalarAsync())!;
        await using var truncate = new NpgsqlCommand($"TRUNCATE {tables}", connection);
        await truncate.ExecuteNonQueryAsync();
    }
}
