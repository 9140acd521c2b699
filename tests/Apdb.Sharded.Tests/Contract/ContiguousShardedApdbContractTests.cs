using Apdb.Sharded.Tests.Support;
using Apdb.Tests.Contract;
using Npgsql;

namespace Apdb.Sharded.Tests.Contract;

/// <summary>The <see cref="IApdb"/> contract on 3 shards owning contiguous pixel ranges, with a coordinator.</summary>
[Collection(ShardedCollection.Name)]
public sealed class ContiguousShardedApdbContractTests(ShardedServer server) : ApdbContractTests
{
    protected override async Task<(IApdb Apdb, NpgsqlDataSource Sql)> CreateAsync()
    {
        var apdb = await server.ScratchFor("contract_ct", ContractLayout.Contiguous()).EmptyAsync();
        return (apdb.Apdb, apdb.Coordinator);
    }
}
