using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests.Contract;

/// <summary>The <see cref="IApdb"/> contract on one PostgreSQL server (<see cref="ApdbStore"/>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class SingleServerApdbContractTests(PostgresServer server) : ApdbContractTests
{
    private ApdbDatabase? _db;

    protected override async Task<(IApdb Apdb, NpgsqlDataSource Sql)> CreateAsync()
    {
        _db = await ApdbDatabase.CreateAsync(server, "contract");
        return (_db.Store, _db.DataSource);
    }

    public override async Task DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}
