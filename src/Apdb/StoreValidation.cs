using Apdb.Records;
using Apdb.Sky;

namespace Apdb;

/// <summary>Input checks of a store, before anything touches the database: every failure names the row.</summary>
internal static class StoreValidation
{
    public static void Validate(DetectorVisit detectorVisit, IReadOnlyList<DiaObject> objects, IReadOnlyList<DiaSource> sources, IReadOnlyList<DiaForcedSource> forcedSources)
    {
        var objectIds = new HashSet<long>();
        foreach (var o in objects)
        {
            CheckPosition(detectorVisit, "DiaObject", o.DiaObjectId, o.Ra, o.Dec);
            if (!objectIds.Add(o.DiaObjectId))
            {
                Fail(detectorVisit, $"DiaObject {o.DiaObjectId} appears twice in the objects to store");
            }
        }

        var sourceIds = new HashSet<long>();
        foreach (var s in sources)
        {
            CheckPosition(detectorVisit, "DiaSource", s.DiaSourceId, s.Ra, s.Dec);
            CheckTime(detectorVisit, "DiaSource", s.DiaSourceId, s.MidpointMjdTai);
            if (!sourceIds.Add(s.DiaSourceId))
            {
                Fail(detectorVisit, $"DiaSource {s.DiaSourceId} appears twice in the sources to store");
            }

            if (s.Visit != detectorVisit.Visit || s.Detector != detectorVisit.Detector)
            {
                Fail(detectorVisit, $"DiaSource {s.DiaSourceId} is from visit {s.Visit}, detector {s.Detector}, not the detector-visit being stored");
            }
        }

        var forcedKeys = new HashSet<long>();
        foreach (var f in forcedSources)
        {
            CheckPosition(detectorVisit, "DiaForcedSource", f.DiaForcedSourceId, f.Ra, f.Dec);
            CheckTime(detectorVisit, "DiaForcedSource", f.DiaForcedSourceId, f.MidpointMjdTai);
            if (f.Visit != detectorVisit.Visit || f.Detector != detectorVisit.Detector)
            {
                Fail(detectorVisit, $"DiaForcedSource {f.DiaForcedSourceId} is from visit {f.Visit}, detector {f.Detector}, not the detector-visit being stored");
            }

            if (!forcedKeys.Add(f.DiaObjectId))
            {
                Fail(detectorVisit, $"DiaObject {f.DiaObjectId} has two DiaForcedSources in one detector-visit");
            }
        }
    }

    /// <summary>
    /// Checks a detector-visit's sources and forced sources as <see cref="Validate"/> does, and the visit time, then
    /// returns the store's own copies of them with <c>pixelId</c> set: the caller's rows are left as they were given.
    /// </summary>
    public static (List<DiaSource> Sources, List<DiaForcedSource> ForcedSources) CheckedCopies(
        DetectorVisit detectorVisit, double visitMjdTai, IReadOnlyList<DiaSource> sources, IReadOnlyList<DiaForcedSource> forcedSources)
    {
        Preconditions.NotNull(sources);
        Preconditions.NotNull(forcedSources);
        if (!double.IsFinite(visitMjdTai))
        {
            throw new ApdbUserException($"store of {detectorVisit}: visit time MJD {visitMjdTai} is not finite");
        }

        Validate(detectorVisit, [], sources, forcedSources);
        return (RowCopy.All(sources, s => s.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, s.Ra, s.Dec)),
            RowCopy.All(forcedSources, f => f.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, f.Ra, f.Dec)));
    }

    private static void CheckPosition(DetectorVisit detectorVisit, string table, long id, double ra, double dec)
    {
        if (!double.IsFinite(ra) || ra < 0 || ra > 360)
        {
            Fail(detectorVisit, $"{table} {id}: ra = {ra} is not an angle in [0, 360] degrees");
        }

        if (!double.IsFinite(dec) || dec < -90 || dec > 90)
        {
            Fail(detectorVisit, $"{table} {id}: dec = {dec} is not an angle in [-90, 90] degrees");
        }
    }

    private static void CheckTime(DetectorVisit detectorVisit, string table, long id, double mjd)
    {
        if (!double.IsFinite(mjd) || mjd < 0 || mjd > 200000)
        {
            Fail(detectorVisit, $"{table} {id}: midpointMjdTai = {mjd} is not a plausible MJD");
        }
    }

    private static void Fail(DetectorVisit detectorVisit, string what) =>
        throw new ApdbUserException($"store of {detectorVisit} refused, nothing written: {what}");
}
