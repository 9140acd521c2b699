using Npgsql;

namespace Apdb.Association;

/// <summary>
/// The peer strategy ("q3c"): the same staging as <see cref="SqlCandidateFinder"/>, a q3c index on the objects and
/// <c>q3c_join</c> with a padded radius. Needs the q3c extension on the server.
/// </summary>
public sealed class Q3cCandidateFinder : ICandidateFinder
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the strategy over a server.</summary>
    /// <param name="dataSource">The PostgreSQL server; its user must be able to create the q3c extension if it is not there.</param>
    /// <param name="timeProvider">The clock for <see cref="LastTimings"/>; the system clock when null.</param>
    public Q3cCandidateFinder(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "q3c";

    /// <summary>The time split of the latest search by this instance.</summary>
    public InDatabaseTimings LastTimings { get; private set; }

    /// <inheritdoc />
    /// <exception cref="AssociationInputException">The server lacks the q3c extension.</exception>
    public async ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        ThrowHelper.ThrowIfBadRadius(radiusArcsec);
        if (!await Q3cExtension.IsAvailableAsync(_dataSource, cancellationToken).ConfigureAwait(false))
        {
            throw new AssociationInputException($"the q3c strategy needs the PostgreSQL extension q3c, which this server does not have ({Q3cExtension.InstallHint})");
        }

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
            await staged.CreateQ3cIndexAsync(cancellationToken).ConfigureAwait(false);
            var t2 = _timeProvider.GetTimestamp();
            var result = await staged.QueryQ3cAsync(cancellationToken).ConfigureAwait(false);
            var t3 = _timeProvider.GetTimestamp();
            LastTimings = new InDatabaseTimings(
                _timeProvider.GetElapsedTime(t0, t1).TotalSeconds,
                _timeProvider.GetElapsedTime(t1, t2).TotalSeconds,
                _timeProvider.GetElapsedTime(t2, t3).TotalSeconds);
            return result;
        }
    }
}
