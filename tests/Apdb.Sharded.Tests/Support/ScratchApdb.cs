using Npgsql;

namespace Apdb.Sharded.Tests.Support;

/// <summary>The sharded APDB <see cref="ShardedScratch"/> hands out: the shards' API and the coordinator for SQL.</summary>
public sealed record ScratchApdb(ShardedTarget Target, ShardedApdb Apdb, NpgsqlDataSource Coordinator);
