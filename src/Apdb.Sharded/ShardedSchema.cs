using System.Globalization;
using Apdb.Schema;
using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// Creates a sharded APDB: on every shard the single-server schema (<see cref="SchemaMigrator"/>), the store-part
/// markers and the layout in <c>metadata</c> (<c>shard:layout</c>, <c>shard:index</c>); on the coordinator a
/// <c>postgres_fdw</c> server per shard and, for DiaObject, DiaObjectLast, DiaSource and DiaForcedSource, a table
/// partitioned by <c>pixelId</c> range whose partitions are the shards' tables as foreign tables (so queries and the
/// SQL functions there see the whole APDB and prune to the shards a pixel range touches), with the registry as a
/// view over every shard's. Idempotent: the coordinator holds no rows, and is rebuilt each time.
/// </summary>
public static class ShardedSchema
{
    /// <summary>Metadata key of the layout (JSON, <see cref="ShardLayout.ToJson"/>).</summary>
    public const string LayoutKey = "shard:layout";

    /// <summary>Metadata key of a shard's index in the layout.</summary>
    public const string IndexKey = "shard:index";

    /// <summary>The tables the coordinator partitions over the shards by pixelId.</summary>
    public static IReadOnlyList<string> PartitionedTables { get; } = ["DiaObject", "DiaObjectLast", "DiaSource", "DiaForcedSource"];

    /// <summary>
    /// Creates or upgrades the layout. <paramref name="layout"/> null keeps the one the shards record (or, on new
    /// shards, splits the sky equally); a layout different from the recorded one is refused unless the shards hold no
    /// DIA rows or <paramref name="drop"/> is set.
    /// </summary>
    public static async Task<ShardLayout> InitAsync(ShardedTarget target, ShardLayout? layout, bool drop = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var shards = target.Shards.Select(ApdbConnector.CreateDataSource).ToArray();
        try
        {
            var recorded = drop ? null : await TryReadLayoutAsync(shards, cancellationToken);
            var chosen = layout ?? recorded ?? ShardLayout.Balanced(shards.Length);
            if (chosen.ShardCount != shards.Length)
            {
                throw new ApdbUserException($"the layout has {chosen.ShardCount} shards, --db lists {shards.Length}");
            }

            if (recorded is not null && !recorded.Equals(chosen) && await HoldsRowsAsync(shards, cancellationToken))
            {
                throw new ApdbUserException($"the shards already hold DIA rows under another layout ({recorded}): use --drop to start over");
            }

            await Task.WhenAll(shards.Select((s, i) => InitShardAsync(s, i, chosen, drop, cancellationToken)));
            if (target.Coordinator is { } coordinator)
            {
                await using var ds = ApdbConnector.CreateDataSource(coordinator);
                await InitCoordinatorAsync(ds, target.Shards, chosen, cancellationToken);
            }

            return chosen;
        }
        finally
        {
            foreach (var s in shards)
            {
                await s.DisposeAsync();
            }
        }
    }

    /// <summary>The layout the shards record; every shard must hold the same one, at the index its place in the list gives.</summary>
    public static async Task<ShardLayout> ReadLayoutAsync(IReadOnlyList<NpgsqlDataSource> shards, CancellationToken cancellationToken = default) =>
        await TryReadLayoutAsync(shards, cancellationToken)
        ?? throw new ApdbUserException("the shards record no layout: run 'apdb init' first");

    private static async Task<ShardLayout?> TryReadLayoutAsync(IReadOnlyList<NpgsqlDataSource> shards, CancellationToken cancellationToken)
    {
        var found = await Task.WhenAll(shards.Select(async (s, i) =>
        {
            try
            {
                await using var connection = await s.OpenConnectionAsync(cancellationToken);
                await using (var exists = new NpgsqlCommand("SELECT to_regclass('metadata') IS NOT NULL", connection))
                {
                    if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
                    {
                        return (Layout: (ShardLayout?)null, Index: -1);
                    }
                }

                await using var command = new NpgsqlCommand(
                    "SELECT (SELECT value FROM metadata WHERE name = @l), (SELECT value FROM metadata WHERE name = @i)", connection);
                command.Parameters.AddWithValue("l", LayoutKey);
                command.Parameters.AddWithValue("i", IndexKey);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                return await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0)
                    ? (Layout: ShardLayout.FromJson(reader.GetString(0)), Index: reader.IsDBNull(1) ? -1 : int.Parse(reader.GetString(1), CultureInfo.InvariantCulture))
                    : (Layout: (ShardLayout?)null, Index: -1);
            }
            catch (Exception ex) when (ShardFailure.IsUnavailable(ex) || ex is NpgsqlException)
            {
                throw ex is PostgresException pg && !ShardFailure.IsUnavailable(ex)
                    ? new ApdbUserException($"shard {i} ({ApdbConnector.Describe(s.ConnectionString)}): {pg.MessageText}", ex)
                    : ShardFailure.Unavailable($"shard {i} ({ApdbConnector.Describe(s.ConnectionString)})", ex);
            }
        }));
        if (found.All(f => f.Layout is null))
        {
            return null;
        }

        var layout = found.First(f => f.Layout is not null).Layout!;
        for (var i = 0; i < found.Length; i++)
        {
            if (found[i].Layout is null || !found[i].Layout!.Equals(layout))
            {
                throw new ApdbUserException($"shard {i} ({ApdbConnector.Describe(shards[i].ConnectionString)}) records {(found[i].Layout is null ? "no layout" : "another layout")} than shard 0: run 'apdb init'");
            }

            if (found[i].Index != i)
            {
                throw new ApdbUserException(
                    $"shard {i} in --db ({ApdbConnector.Describe(shards[i].ConnectionString)}) is shard {found[i].Index} of the layout: list the shards in their order");
            }
        }

        if (layout.ShardCount != shards.Count)
        {
            throw new ApdbUserException($"the shards record a layout of {layout.ShardCount} shards, --db lists {shards.Count}");
        }

        return layout;
    }

    private static async Task<bool> HoldsRowsAsync(NpgsqlDataSource[] shards, CancellationToken cancellationToken)
    {
        var holds = await Task.WhenAll(shards.Select(async s =>
        {
            await using var connection = await s.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM \"DiaObjectLast\") OR EXISTS (SELECT 1 FROM \"DiaSource\")", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }));
        return holds.Any(h => h);
    }

    private static async Task InitShardAsync(NpgsqlDataSource shard, int index, ShardLayout layout, bool drop, CancellationToken cancellationToken)
    {
        var name = $"shard {index} ({ApdbConnector.Describe(shard.ConnectionString)})";
        try
        {
            await SchemaMigrator.MigrateAsync(shard, drop, cancellationToken);
            await using var connection = await shard.OpenConnectionAsync(cancellationToken);
            if (layout.ShardCount > 1)
            {
                await using var show = new NpgsqlCommand("SELECT current_setting('max_prepared_transactions')::int", connection);
                if (await show.ExecuteScalarAsync(cancellationToken) is 0)
                {
                    throw new ApdbUserException(
                        $"{name}: max_prepared_transactions is 0; cross-shard stores commit in two phases: set it (e.g. to max_connections) and restart the server");
                }
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var part = new NpgsqlCommand(ShardedScripts.Get("shard_store_part.sql"), connection, transaction))
            {
                await part.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var (key, value) in new[] { (LayoutKey, layout.ToJson()), (IndexKey, index.ToString(CultureInfo.InvariantCulture)) })
            {
                await using var set = new NpgsqlCommand(
                    "INSERT INTO metadata (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", connection, transaction);
                set.Parameters.AddWithValue("n", key);
                set.Parameters.AddWithValue("v", value);
                await set.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ShardFailure.IsUnavailable(ex))
        {
            throw ShardFailure.Unavailable(name, ex);
        }
        catch (ApdbUserException ex) when (!ex.Message.StartsWith("shard ", StringComparison.Ordinal))
        {
            throw new ApdbUserException($"{name}: {ex.Message}", ex);
        }
    }

    private static Task InitCoordinatorAsync(NpgsqlDataSource coordinator, IReadOnlyList<string> shards, ShardLayout layout, CancellationToken cancellationToken) =>
        CoordinatorSchema.BuildAsync(coordinator, shards, layout, cancellationToken);
}
