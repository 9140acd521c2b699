namespace Apdb.Association;

/// <summary>How candidate pairs within the radius become one-to-one matches.</summary>
public enum AssociationMode
{
    /// <summary>
    /// All pairs in ascending distance (ties: lower sourceId, then lower objectId); a pair is accepted when both ends are free.
    /// </summary>
    Greedy = 0,

    /// <summary>
    /// Rubin 2019-2026: each source takes only its nearest object (ties: lower objectId); in ascending (distance, sourceId)
    /// a source gets that object if it is still free, otherwise it stays unmatched.
    /// </summary>
    Nearest = 1,

    /// <summary>
    /// Rubin since 2026 (ap_association's matcher): the minimum total score one-to-one matching, scores being chord
    /// distances or, with errors on both sides, Gaussian negative log-likelihoods; a source stays unmatched at one
    /// global cost (see <see cref="MatchScore"/>).
    /// </summary>
    Optimal = 2,
}
