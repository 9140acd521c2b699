using Npgsql;

namespace Apdb.Association;

/// <summary>
/// The in-database strategy ("sql"): both catalogs staged by binary COPY into temporary tables, a covering B-tree on the
/// objects' depth-29 pixel ids, and a join in PostgreSQL in which each source probes that index with the few depth-29
/// pixel ranges covering its disc (a nested loop over index-only scans), prefiltered by a padded distance test.
/// </summary>
/// <remarks>
/// The time counts staging, index and query: that is the honest cost of matching in the database. The candidate pairs
/// go through the shared exact filter and resolver, so the output is identical to the other strategies'.
/// </remarks>
public sealed class SqlCandidateFinder : ICandidateFinder
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the strategy over a server.</summary>
    /// <param name="dataSource">The PostgreSQL server (any database: only temporary tables are used).</param>
    /// <param name="timeProvider">The clock for <see cref="LastTimings"/>; the system clock when null.</param>
    public SqlCandidateFinder(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "sql";

    /// <summary>The time split of the latest search by this instance.</summary>
    public InDatabaseTimings LastTimings { get; private set; }

    /// <inheritdoc />
    public async ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        ThrowHelper.ThrowIfBadRadius(radiusArcsec);
        if (objects.Count == 0 || sources.Count == 0)
        {
            LastTimings = default;
            return new CandidateSet(0);
        }

        var t0 = _timeProvider.GetTimestamp();
        var staged = await StagedCatalogs.StageAsync(_dataSource, objects, sources, radiusArcsec, cancellationToken).ConfigureAwait(false);
        await using (staged.ConfigureAwait(false))
        {
            var t1 = _timeProvider.GetTimestamp();
            await staged.CreatePixelIndexAsync(cancellationToken).ConfigureAwait(false);
            var t2 = _timeProvider.GetTimestamp();
            var result = await staged.QueryPixelRangesAsync(cancellationToken).ConfigureAwait(false);
            var t3 = _timeProvider.GetTimestamp();
            LastTimings = new InDatabaseTimings(
                _timeProvider.GetElapsedTime(t0, t1).TotalSeconds,
                _timeProvider.GetElapsedTime(t1, t2).TotalSeconds,
                _timeProvider.GetElapsedTime(t2, t3).TotalSeconds);
            return result;
        }
    }
}
