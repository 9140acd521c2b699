namespace Apdb.Association;

/// <summary>Where the matching time went, in seconds.</summary>
/// <param name="FindSeconds">The strategy's candidate search.</param>
/// <param name="FilterSeconds">The shared exact filter.</param>
/// <param name="ResolveSeconds">The one-to-one resolution.</param>
public readonly record struct AssociationTimings(double FindSeconds, double FilterSeconds, double ResolveSeconds)
{
    /// <summary>Total matching time (find + filter + resolve); reading and writing files are not included.</summary>
    public double MatchSeconds => FindSeconds + FilterSeconds + ResolveSeconds;
}
