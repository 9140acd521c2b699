using Npgsql;

namespace Apdb.Association.Sql;

/// <summary>
/// The in-database strategy ("sql"): both catalogs staged by binary COPY into temporary tables, a covering B-tree on the
/// objects' depth-29 pixel ids, and a join in PostgreSQL in which each source probes that index with the few depth-29
/// pixel ranges covering its disc (a nested loop over index-only scans), prefiltered by a padded distance test.
/// </summary>
/// <remarks>
/// The time counts staging, index and query: that is the honest cost of matching in the database. The candidate pairs
/// go through the shared exact filter and resolver, so the output is identical to the other strategies'.
/// </remarks>
public sealed class SqlCandidateFinder : InDatabaseCandidateFinder
{
    /// <summary>Creates the strategy over a server.</summary>
    /// <param name="dataSource">The PostgreSQL server (any database: only temporary tables are used).</param>
    /// <param name="timeProvider">The clock for <see cref="InDatabaseCandidateFinder.LastTimings"/>; the system clock when null.</param>
    public SqlCandidateFinder(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
        : base(dataSource, timeProvider)
    {
    }

    /// <inheritdoc />
    public override string Name => "sql";

    private protected override Task CreateIndexAsync(StagedCatalogs staged, CancellationToken cancellationToken) =>
        staged.CreatePixelIndexAsync(cancellationToken);

    private protected override Task<CandidateSet> QueryAsync(StagedCatalogs staged, CancellationToken cancellationToken) =>
        staged.QueryPixelRangesAsync(cancellationToken);
}
