namespace Apdb.Association;

/// <summary>
/// A strategy that finds candidate (source, object) pairs: every pair within the radius must be included;
/// extra pairs are allowed and removed by the shared exact filter, so all strategies give identical matches.
/// </summary>
public interface ICandidateFinder
{
    /// <summary>Strategy name as used on the command line ("brute", "memory", "sql").</summary>
    string Name { get; }

    /// <summary>Finds a superset of the pairs within the radius.</summary>
    /// <param name="objects">The object catalog.</param>
    /// <param name="sources">The source catalog.</param>
    /// <param name="radiusArcsec">The match radius in arcseconds (finite, &gt; 0).</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The candidate pairs.</returns>
    ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default);
}
