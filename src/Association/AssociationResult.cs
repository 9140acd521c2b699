namespace Apdb.Association;

/// <summary>The outcome of one association: one result per source in source input order, counts and timings.</summary>
public sealed class AssociationResult
{
    internal AssociationResult(MatchResult[] matches, int candidateCount, int pairCount, AssociationTimings timings)
    {
        Matches = matches;
        CandidateCount = candidateCount;
        PairCount = pairCount;
        Timings = timings;
        var matched = 0;
        foreach (var m in matches)
        {
            matched += m.IsMatched ? 1 : 0;
        }

        MatchedCount = matched;
    }

    /// <summary>One result per source, in source input order.</summary>
    public IReadOnlyList<MatchResult> Matches { get; }

    /// <summary>Sources matched to an object.</summary>
    public int MatchedCount { get; }

    /// <summary>Sources left unmatched.</summary>
    public int UnmatchedCount => Matches.Count - MatchedCount;

    /// <summary>Candidate pairs the strategy returned (before the exact filter, duplicates included).</summary>
    public int CandidateCount { get; }

    /// <summary>Distinct pairs within the radius.</summary>
    public int PairCount { get; }

    /// <summary>Time split of the matching.</summary>
    public AssociationTimings Timings { get; }
}
