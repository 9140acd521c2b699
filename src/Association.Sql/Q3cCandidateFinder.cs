using Npgsql;

namespace Apdb.Association.Sql;

/// <summary>
/// The peer strategy ("q3c"): the same staging as <see cref="SqlCandidateFinder"/>, a q3c index on the objects and
/// <c>q3c_join</c> with a padded radius. Needs the q3c extension on the server.
/// </summary>
public sealed class Q3cCandidateFinder : InDatabaseCandidateFinder
{
    /// <summary>Creates the strategy over a server.</summary>
    /// <param name="dataSource">The PostgreSQL server; its user must be able to create the q3c extension if it is not there.</param>
    /// <param name="timeProvider">The clock for <see cref="InDatabaseCandidateFinder.LastTimings"/>; the system clock when null.</param>
    public Q3cCandidateFinder(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
        : base(dataSource, timeProvider)
    {
    }

    /// <inheritdoc />
    public override string Name => "q3c";

    /// <exception cref="AssociationInputException">The server lacks the q3c extension.</exception>
    private protected override async ValueTask CheckServerAsync(CancellationToken cancellationToken)
    {
        if (!await Q3cExtension.IsAvailableAsync(DataSource, cancellationToken).ConfigureAwait(false))
        {
            throw new AssociationInputException($"the q3c strategy needs the PostgreSQL extension q3c, which this server does not have ({Q3cExtension.InstallHint})");
        }
    }

    private protected override Task CreateIndexAsync(StagedCatalogs staged, CancellationToken cancellationToken) =>
        staged.CreateQ3cIndexAsync(cancellationToken);

    private protected override Task<CandidateSet> QueryAsync(StagedCatalogs staged, CancellationToken cancellationToken) =>
        staged.QueryQ3cAsync(cancellationToken);
}
