using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>
/// Which DiaObjects get forced photometry on a detector-visit, by ap_association's rule (DiaPipelineTask's
/// <c>_selectGoodDiaObjects</c> with DiaForcedSourceTask's <c>historyThreshold</c>): objects with at least
/// <see cref="DiaPipeOptions.ForcedPhotometryMinDiaSources"/> DiaSources, of which at least as many are good in the
/// history window: reliability &gt;= <see cref="DiaPipeOptions.ForcedReliabilityThreshold"/>, trailLength &lt;=
/// <see cref="DiaPipeOptions.ForcedTrailLengthThreshold"/> arcsec, neither glint_trail nor isDipole set.
/// </summary>
/// <remarks>
/// Two differences from ap_association, both because of what our inputs hold: a quality column that a source does not
/// carry (null: our image front end measures no reliability, trail or glint) does not count against it, where Rubin's
/// front end always fills them; and only objects inside the detector's footprint are measured (Rubin also keeps updated
/// objects just off the image, which it then flags). <see cref="DiaPipeOptions.ForcedPhotometryDays"/> adds the
/// ap_proto workload's time cut when finite.
/// </remarks>
public static class ForcedPhotometryTargets
{
    /// <summary>Whether a DiaSource counts towards an object's forced-photometry history.</summary>
    public static bool IsGood(DiaSource source, DiaPipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        return !(source.Reliability is { } reliability && !(reliability >= options.ForcedReliabilityThreshold))
            && !(source.TrailLength is { } trail && !(trail <= options.ForcedTrailLengthThreshold))
            && source.GlintTrail != true
            && source.IsDipole != true;
    }

    /// <summary>The targets in ascending diaObjectId order, with their positions.</summary>
    /// <param name="objects">Every current object of the region: the preloaded ones, with this visit's versions replacing theirs.</param>
    /// <param name="history">The objects' DiaSources in the history window, this visit's included.</param>
    /// <param name="footprint">The detector's unpadded footprint.</param>
    /// <param name="visitMjdTai">The visit time.</param>
    /// <param name="options">The thresholds.</param>
    public static (List<long> Ids, List<SkyPosition> Positions) Select(
        IReadOnlyDictionary<long, ForcedCandidate> objects, IEnumerable<DiaSource> history, ISkyRegion footprint, double visitMjdTai, DiaPipeOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(footprint);
        ArgumentNullException.ThrowIfNull(options);
        var good = new Dictionary<long, int>();
        foreach (var s in history)
        {
            if (s.DiaObjectId is { } id && IsGood(s, options))
            {
                good[id] = good.GetValueOrDefault(id) + 1;
            }
        }

        var ids = new List<long>();
        var positions = new List<SkyPosition>();
        foreach (var (id, o) in objects.OrderBy(kv => kv.Key))
        {
            if (o.NDiaSources < options.ForcedPhotometryMinDiaSources || good.GetValueOrDefault(id) < options.ForcedPhotometryMinDiaSources
                || (double.IsFinite(options.ForcedPhotometryDays) && (o.LastDiaSourceMjdTai is not { } last || visitMjdTai - last > options.ForcedPhotometryDays)))
            {
                continue;
            }

            var p = SkyPosition.FromDegrees(o.Ra, o.Dec);
            if (footprint.Contains(p))
            {
                ids.Add(id);
                positions.Add(p);
            }
        }

        return (ids, positions);
    }
}

/// <summary>What the forced-photometry selection reads of a current DiaObject.</summary>
/// <param name="Ra">Right ascension, degrees.</param>
/// <param name="Dec">Declination, degrees.</param>
/// <param name="NDiaSources">Its DiaSources in the history window.</param>
/// <param name="LastDiaSourceMjdTai">The time of its last DiaSource.</param>
public readonly record struct ForcedCandidate(double Ra, double Dec, int NDiaSources, double? LastDiaSourceMjdTai);
