namespace Apdb.Association;

/// <summary>
/// Associates sources with objects: a strategy finds candidate pairs, the shared exact filter keeps the pairs within
/// the radius, and the shared resolver makes them one-to-one. Strategies therefore differ only in speed.
/// </summary>
public static class Associator
{
    /// <summary>Associates sources with objects, timing with the system clock.</summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="radiusArcsec">Match radius in arcseconds, finite and &gt; 0.</param>
    /// <param name="mode">How pairs become one-to-one matches.</param>
    /// <param name="finder">The candidate search strategy.</param>
    /// <param name="cancellationToken">Cancels the association.</param>
    /// <returns>One result per source, in source order, with counts and timings.</returns>
    /// <exception cref="AssociationInputException">The radius is not finite or not &gt; 0.</exception>
    public static ValueTask<AssociationResult> AssociateAsync(
        Catalog objects, Catalog sources, double radiusArcsec, AssociationMode mode, ICandidateFinder finder, CancellationToken cancellationToken = default) =>
        AssociateAsync(objects, sources, radiusArcsec, mode, finder, TimeProvider.System, cancellationToken);

    /// <summary>Associates sources with objects, timing with the given clock.</summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="radiusArcsec">Match radius in arcseconds, finite and &gt; 0.</param>
    /// <param name="mode">How pairs become one-to-one matches.</param>
    /// <param name="finder">The candidate search strategy.</param>
    /// <param name="timeProvider">The clock used for the timing split.</param>
    /// <param name="cancellationToken">Cancels the association.</param>
    /// <returns>One result per source, in source order, with counts and timings.</returns>
    /// <exception cref="AssociationInputException">The radius is not finite or not &gt; 0.</exception>
    public static async ValueTask<AssociationResult> AssociateAsync(
        Catalog objects, Catalog sources, double radiusArcsec, AssociationMode mode, ICandidateFinder finder, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(finder);
        ArgumentNullException.ThrowIfNull(timeProvider);
        MatchRadius.Check(radiusArcsec);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown association mode");
        }

        var t0 = timeProvider.GetTimestamp();
        var candidates = await finder.FindAsync(objects, sources, radiusArcsec, cancellationToken).ConfigureAwait(false);
        var t1 = timeProvider.GetTimestamp();
        var pairs = ExactPairs.Filter(objects, sources, candidates, radiusArcsec, cancellationToken);
        var t2 = timeProvider.GetTimestamp();
        var matches = BuildResults(objects, sources, pairs, Resolvers.Resolve(mode, objects, sources, pairs, radiusArcsec, cancellationToken));
        var t3 = timeProvider.GetTimestamp();
        var timings = new AssociationTimings(
            timeProvider.GetElapsedTime(t0, t1).TotalSeconds,
            timeProvider.GetElapsedTime(t1, t2).TotalSeconds,
            timeProvider.GetElapsedTime(t2, t3).TotalSeconds);
        return new AssociationResult(matches, candidates.Count, pairs.Count, timings);
    }

    /// <summary>
    /// Filters and resolves candidate pairs a caller already has (for example from an external index): the same
    /// exact filter and resolver as <see cref="AssociateAsync(Catalog, Catalog, double, AssociationMode, ICandidateFinder, CancellationToken)"/>.
    /// </summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="candidates">A superset of the pairs within the radius.</param>
    /// <param name="radiusArcsec">Match radius in arcseconds, finite and &gt; 0.</param>
    /// <param name="mode">How pairs become one-to-one matches.</param>
    /// <param name="cancellationToken">Cancels the resolution.</param>
    /// <returns>One result per source, in source order.</returns>
    public static IReadOnlyList<MatchResult> Resolve(
        Catalog objects, Catalog sources, CandidateSet candidates, double radiusArcsec, AssociationMode mode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(candidates);
        MatchRadius.Check(radiusArcsec);
        var pairs = ExactPairs.Filter(objects, sources, candidates, radiusArcsec, cancellationToken);
        return BuildResults(objects, sources, pairs, Resolvers.Resolve(mode, objects, sources, pairs, radiusArcsec, cancellationToken));
    }

    private static MatchResult[] BuildResults(Catalog objects, Catalog sources, ExactPairs pairs, int[] sourcePair)
    {
        var results = new MatchResult[sources.Count];
        var sourceIds = sources.Ids;
        var objectIds = objects.Ids;
        for (var s = 0; s < results.Length; s++)
        {
            var p = sourcePair[s];
            results[s] = p < 0
                ? new MatchResult(sourceIds[s], null, double.NaN)
                : new MatchResult(sourceIds[s], objectIds[pairs.Objects[p]], ChordMetric.ToArcsec(pairs.ChordSquared[p]));
        }

        return results;
    }
}
