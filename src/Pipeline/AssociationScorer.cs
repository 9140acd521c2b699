using Apdb.Association;
using Apdb.Pipeline.DiaPipe;
using Apdb.Simulation;

namespace Apdb.Pipeline;

/// <summary>
/// Scores association against the truth by position: every DiaSource (S/N at or above the threshold) and every
/// preloaded DiaObject is identified with the nearest true variable or transient within the radius (1 arcsec);
/// false positives and moving objects have no stationary true source and are left out. A match is right when the
/// source's and the object's true sources are the same.
/// </summary>
public sealed class AssociationScorer
{
    private readonly Catalog _truth;
    private readonly double _radiusArcsec;
    private readonly double _minSnr;

    /// <summary>Indexes the truth's stationary sources (variables, then transients).</summary>
    public AssociationScorer(SkyTruth truth, double radiusArcsec = 1.0, double minSnr = 10.0)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var entries = new List<CatalogEntry>(truth.VariableCount + truth.TransientCount);
        for (var i = 0; i < truth.VariableCount; i++)
        {
            var p = truth.VariablePosition(i);
            entries.Add(new CatalogEntry(i, p.RaDeg, p.DecDeg));
        }

        for (var i = 0; i < truth.TransientCount; i++)
        {
            var p = truth.TransientPosition(i);
            entries.Add(new CatalogEntry(truth.VariableCount + i, p.RaDeg, p.DecDeg));
        }

        _truth = Catalog.Create(entries.ToArray(), "truth");
        _radiusArcsec = radiusArcsec;
        _minSnr = minSnr;
    }

    /// <summary>Scores one detector-visit.</summary>
    public AssociationScore Score(DetectorVisitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sources = result.Sources.Where(s => Math.Abs(s.Snr ?? 0) >= _minSnr).ToList();
        var sourceTruth = Identify(sources.Select(s => new CatalogEntry(s.DiaSourceId, s.Ra, s.Dec)).ToArray());
        var objectTruth = Identify(result.PreloadedObjects.Select(o => new CatalogEntry(o.DiaObjectId, o.Ra, o.Dec)).ToArray());
        var objectsOfTruth = new Dictionary<long, HashSet<long>>();
        foreach (var (objectId, truthId) in objectTruth)
        {
            if (!objectsOfTruth.TryGetValue(truthId, out var set))
            {
                objectsOfTruth[truthId] = set = [];
            }

            set.Add(objectId);
        }

        int matched = 0, correct = 0, expected = 0, found = 0;
        foreach (var s in sources)
        {
            if (!sourceTruth.TryGetValue(s.DiaSourceId, out var truthId))
            {
                continue;
            }

            var preloadedObject = s.DiaObjectId is { } oid && oid != s.DiaSourceId;
            if (preloadedObject)
            {
                matched++;
                if (objectTruth.TryGetValue(s.DiaObjectId!.Value, out var t) && t == truthId)
                {
                    correct++;
                }
            }

            if (objectsOfTruth.TryGetValue(truthId, out var candidates))
            {
                expected++;
                if (s.DiaObjectId is { } id && candidates.Contains(id))
                {
                    found++;
                }
            }
        }

        return AssociationScore.From(matched, correct, expected, found);
    }

    private Dictionary<long, long> Identify(CatalogEntry[] entries)
    {
        var result = new Dictionary<long, long>();
        if (entries.Length == 0)
        {
            return result;
        }

        var catalog = Catalog.Create(entries, "row");
        var matches = Associator.AssociateAsync(_truth, catalog, _radiusArcsec, AssociationMode.Nearest, HealpixCandidateFinder.Instance)
            .AsTask().GetAwaiter().GetResult();
        foreach (var m in matches.Matches)
        {
            if (m.ObjectId is { } truthId)
            {
                result[m.SourceId] = truthId;
            }
        }

        return result;
    }
}
