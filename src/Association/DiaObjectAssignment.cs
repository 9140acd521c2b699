using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// The DiaPipe steps around the matcher, as pure functions: unmatched sources become new DiaObjects with
/// diaObjectId = diaSourceId, unless the new-object filter keeps them out (they are then dropped, as Rubin drops its
/// "marginal" DiaSources), and a visit that would create more than <c>maxNewDiaObjects</c> is refused.
/// </summary>
public static class DiaObjectAssignment
{
    /// <summary>Assigns every source a DiaObject, dropping unmatched sources with any flag bit in <paramref name="badFlagMask"/>.</summary>
    /// <param name="matches">Association results in source order.</param>
    /// <param name="flags">Per-source flag bits, in the same order.</param>
    /// <param name="badFlagMask">Bits that keep an unmatched source from founding an object.</param>
    /// <returns>One assignment per source, in source order.</returns>
    public static SourceAssignment[] Assign(IReadOnlyList<MatchResult> matches, ReadOnlySpan<long> flags, long badFlagMask)
    {
        ArgumentNullException.ThrowIfNull(matches);
        Preconditions.SameLength(matches.Count, flags.Length, nameof(matches), nameof(flags));
        var bad = new bool[flags.Length];
        for (var i = 0; i < flags.Length; i++)
        {
            bad[i] = (flags[i] & badFlagMask) != 0;
        }

        return Assign(matches, i => bad[i]);
    }

    /// <summary>Assigns every source a DiaObject, dropping unmatched sources for which <paramref name="isBad"/> is true.</summary>
    /// <param name="matches">Association results in source order.</param>
    /// <param name="isBad">Given a source's position in <paramref name="matches"/>, whether it must not found an object.</param>
    /// <returns>One assignment per source, in source order.</returns>
    public static SourceAssignment[] Assign(IReadOnlyList<MatchResult> matches, Func<int, bool> isBad) => Assign(matches, isBad, maxNewDiaObjects: 0);

    /// <summary>
    /// Assigns every source a DiaObject, dropping unmatched sources for which <paramref name="isBad"/> is true, and
    /// refuses the whole set when it would create more than <paramref name="maxNewDiaObjects"/> new objects.
    /// </summary>
    /// <param name="matches">Association results in source order.</param>
    /// <param name="isBad">Given a source's position in <paramref name="matches"/>, whether it must not found an object.</param>
    /// <param name="maxNewDiaObjects">The most new objects allowed; 0 means no limit (Rubin's default).</param>
    /// <returns>One assignment per source, in source order.</returns>
    /// <exception cref="TooManyNewDiaObjectsException">More than <paramref name="maxNewDiaObjects"/> (&gt; 0) new objects.</exception>
    public static SourceAssignment[] Assign(IReadOnlyList<MatchResult> matches, Func<int, bool> isBad, int maxNewDiaObjects)
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(isBad);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewDiaObjects);
        var result = new SourceAssignment[matches.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var m = matches[i];
            result[i] = m.ObjectId is { } objectId
                ? new SourceAssignment(m.SourceId, objectId, SourceOutcome.Matched)
                : isBad(i)
                    ? new SourceAssignment(m.SourceId, null, SourceOutcome.Dropped)
                    : new SourceAssignment(m.SourceId, m.SourceId, SourceOutcome.NewObject);
        }

        if (maxNewDiaObjects > 0)
        {
            var created = result.Count(a => a.Outcome == SourceOutcome.NewObject);
            if (created > maxNewDiaObjects)
            {
                throw new TooManyNewDiaObjectsException(created, maxNewDiaObjects);
            }
        }

        return result;
    }

    /// <summary>The new DiaObjects: one per <see cref="SourceOutcome.NewObject"/> source, at its position, id = diaSourceId.</summary>
    /// <param name="sources">The source catalog the assignments refer to.</param>
    /// <param name="assignments">The assignments from <see cref="Assign(IReadOnlyList{MatchResult}, Func{int, bool})"/>.</param>
    /// <returns>The new objects, in source order.</returns>
    /// <exception cref="ArgumentException">An assignment names a source that is not in the catalog.</exception>
    public static CatalogEntry[] NewDiaObjects(Catalog sources, IReadOnlyList<SourceAssignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(assignments);
        var result = new List<CatalogEntry>();
        foreach (var a in assignments)
        {
            if (a.Outcome != SourceOutcome.NewObject)
            {
                continue;
            }

            if (!sources.TryGetIndex(a.DiaSourceId, out var index))
            {
                throw new ArgumentException($"diaSourceId {a.DiaSourceId} is not in the source catalog", nameof(assignments));
            }

            result.Add(sources[index]);
        }

        return [.. result];
    }
}
