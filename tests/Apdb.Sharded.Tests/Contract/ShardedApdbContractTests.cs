using Apdb.Sharded.Tests.Support;
using Apdb.Tests.Contract;
using Npgsql;

namespace Apdb.Sharded.Tests.Contract;

/// <summary>
/// The <see cref="IApdb"/> contract on 3 interleaved shards with a coordinator (<see cref="ShardedApdb"/>): the same
/// tests as the single server's, each on the run's sharded APDB emptied first; the SQL checks run on the coordinator,
/// which sees every shard.
/// </summary>
[Collection(ShardedCollection.Name)]
public sealed class ShardedApdbContractTests(ShardedServer server) : ApdbContractTests
{
    protected override async Task<(IApdb Apdb, NpgsqlDataSource Sql)> CreateAsync()
    {
        var apdb = await server.ScratchFor("contract_il", ContractLayout.Interleaved()).EmptyAsync();
        return (apdb.Apdb, apdb.Coordinator);
    }
}
