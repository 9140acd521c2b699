using Npgsql;

namespace Apdb.Association.Sql;

/// <summary>
/// What the in-database strategies share: both catalogs staged by binary COPY into temporary tables of one session
/// (<see cref="StagedCatalogs"/>), an index built on the objects, one join query; each step timed.
/// </summary>
public abstract class InDatabaseCandidateFinder : ICandidateFinder
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the strategy over a server.</summary>
    /// <param name="dataSource">The PostgreSQL server.</param>
    /// <param name="timeProvider">The clock for <see cref="LastTimings"/>; the system clock when null.</param>
    private protected InDatabaseCandidateFinder(NpgsqlDataSource dataSource, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        DataSource = dataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>The time split of the latest search by this instance.</summary>
    public InDatabaseTimings LastTimings { get; private set; }

    /// <summary>The server.</summary>
    private protected NpgsqlDataSource DataSource { get; }

    /// <inheritdoc />
    public async ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        MatchRadius.Check(radiusArcsec);
        await CheckServerAsync(cancellationToken).ConfigureAwait(false);
        if (objects.Count == 0 || sources.Count == 0)
        {
            LastTimings = default;
            return new CandidateSet(0);
        }

        var t0 = _timeProvider.GetTimestamp();
        var staged = await StagedCatalogs.StageAsync(DataSource, objects, sources, radiusArcsec, cancellationToken).ConfigureAwait(false);
        await using (staged.ConfigureAwait(false))
        {
            var t1 = _timeProvider.GetTimestamp();
            await CreateIndexAsync(staged, cancellationToken).ConfigureAwait(false);
            var t2 = _timeProvider.GetTimestamp();
            var result = await QueryAsync(staged, cancellationToken).ConfigureAwait(false);
            var t3 = _timeProvider.GetTimestamp();
            LastTimings = new InDatabaseTimings(
                _timeProvider.GetElapsedTime(t0, t1).TotalSeconds,
                _timeProvider.GetElapsedTime(t1, t2).TotalSeconds,
                _timeProvider.GetElapsedTime(t2, t3).TotalSeconds);
            return result;
        }
    }

    /// <summary>Refuses, before anything is staged, a server that cannot run the strategy.</summary>
    private protected virtual ValueTask CheckServerAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Builds the strategy's index on the staged objects.</summary>
    private protected abstract Task CreateIndexAsync(StagedCatalogs staged, CancellationToken cancellationToken);

    /// <summary>Runs the strategy's join on the staged tables.</summary>
    private protected abstract Task<CandidateSet> QueryAsync(StagedCatalogs staged, CancellationToken cancellationToken);
}
