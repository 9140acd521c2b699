using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// The APDB over several PostgreSQL servers sharded by sky pixel (<see cref="ShardLayout"/>), with the read, store and
/// registry API of the single-server <see cref="ApdbStore"/> and its guarantees (see <see cref="StoreAsync(DetectorVisit, double, IDiaObjectSummarizer, IReadOnlyList{Records.DiaSource}, IReadOnlyList{Records.DiaForcedSource}, StoreOptions?, CancellationToken)"/>).
/// Reads go straight to the shards a region touches, in parallel; each store writes every row to the shard that owns
/// its position. Thread-safe: every call takes its own pooled connections.
/// </summary>
public sealed partial class ShardedApdb : IApdb, IAsyncDisposable
{
    private readonly NpgsqlDataSource[] _shards;
    private readonly ApdbStore[] _stores;
    private readonly string[] _names;
    private readonly NpgsqlDataSource? _coordinator;
    private readonly bool _ownsDataSources;

    private ShardedApdb(ShardLayout layout, NpgsqlDataSource[] shards, NpgsqlDataSource? coordinator, bool ownsDataSources)
    {
        Layout = layout;
        _shards = shards;
        _coordinator = coordinator;
        _ownsDataSources = ownsDataSources;
        _stores = [.. shards.Select(s => new ApdbStore(s))];
        _names = [.. shards.Select((s, i) => $"shard {i} ({ApdbConnector.Describe(s.ConnectionString)})")];
    }

    /// <summary>The sky split.</summary>
    public ShardLayout Layout { get; }

    /// <summary>The shards' data sources, in shard order.</summary>
    public IReadOnlyList<NpgsqlDataSource> Shards => _shards;

    /// <summary>The coordinator's data source, or null when the layout has none.</summary>
    public NpgsqlDataSource? Coordinator => _coordinator;

    /// <summary>
    /// The server that holds the stores' object locks (advisory locks taken in ascending id order) and the locks of
    /// jobs over the whole APDB (maintenance): the coordinator, or shard 0 without one. Locks only; no APDB row is
    /// written there by a store.
    /// </summary>
    public NpgsqlDataSource LockServer => _coordinator ?? _shards[0];

    /// <summary>A shard's name for messages: its index and <c>host:port/database</c>.</summary>
    public string NameOf(int shard) => _names[shard];

    /// <summary>
    /// Opens the shards (and coordinator) of <paramref name="target"/> and reads the layout every shard records
    /// (<see cref="ShardedSchema"/>); refuses shards that disagree, or that sit at the wrong place in the list.
    /// </summary>
    public static async Task<ShardedApdb> OpenAsync(ShardedTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var shards = target.Shards.Select(ApdbConnector.CreateDataSource).ToArray();
        var coordinator = target.Coordinator is { } c ? ApdbConnector.CreateDataSource(c) : null;
        try
        {
            var layout = await ShardedSchema.ReadLayoutAsync(shards, cancellationToken);
            return new ShardedApdb(layout, shards, coordinator, ownsDataSources: true);
        }
        catch
        {
            foreach (var s in shards)
            {
                await s.DisposeAsync();
            }

            if (coordinator is not null)
            {
                await coordinator.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>A sharded APDB over data sources the caller owns (and disposes), with a known layout.</summary>
    public static ShardedApdb Create(ShardLayout layout, IReadOnlyList<NpgsqlDataSource> shards, NpgsqlDataSource? coordinator = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count != layout.ShardCount)
        {
            throw new ApdbUserException($"the layout has {layout.ShardCount} shards, {shards.Count} servers were given");
        }

        return new ShardedApdb(layout, [.. shards], coordinator, ownsDataSources: false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_ownsDataSources)
        {
            return;
        }

        foreach (var s in _shards)
        {
            await s.DisposeAsync();
        }

        if (_coordinator is not null)
        {
            await _coordinator.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on every shard at once (a bulk load, maintenance); a shard that cannot be reached
    /// fails it with an error naming the shard. Results in shard order.
    /// </summary>
    public Task<T[]> OnEveryShardAsync<T>(Func<int, NpgsqlDataSource, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return OnShardsAsync(AllShards, async (i, ds) =>
        {
            try
            {
                return await work(i, ds);
            }
            catch (ApdbUserException ex) when (!ex.Message.StartsWith("shard ", StringComparison.Ordinal))
            {
                throw new ApdbUserException($"{NameOf(i)}: {ex.Message}", ex);
            }
        });
    }

    /// <summary>Runs <paramref name="work"/> against a shard, turning a connection failure into a user error naming it.</summary>
    private async Task<T> OnShardAsync<T>(int shard, Func<NpgsqlDataSource, Task<T>> work)
    {
        try
        {
            return await work(_shards[shard]);
        }
        catch (Exception ex) when (ShardFailure.IsUnavailable(ex))
        {
            throw ShardFailure.Unavailable(_names[shard], ex);
        }
    }

    /// <summary>Runs per-shard work on the given shards at once and returns the results in the same order.</summary>
    private Task<T[]> OnShardsAsync<T>(IReadOnlyList<int> shards, Func<int, NpgsqlDataSource, Task<T>> work) =>
        Task.WhenAll(shards.Select(i => OnShardAsync(i, ds => work(i, ds))));
}
