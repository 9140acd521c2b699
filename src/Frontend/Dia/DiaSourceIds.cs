namespace Apdb.Frontend.Dia;

/// <summary>
/// diaSourceId for image-pipeline DiaSources: ((visit * 200 + detector) &lt;&lt; 14) | index. Rubin-style visit ids are
/// dayObs * 100000 + sequence (about 2.0e12 in 2025), so the key fits 63 bits until dayObs 2810xxxx; detector (0-188) is
/// below 200 so (visit, detector) pairs never share a key; 14 bits give 16,384 sources per detector-visit. History ids
/// from <c>HistoryGenerator</c> are ((visitIndex + 1) &lt;&lt; 24) | (detector &lt;&lt; 16) | sequence, below 2^40 for any
/// realistic cadence, while every id here is above 2^40 * 200 * 1e11: the two ranges cannot meet.
/// </summary>
internal static class DiaSourceIds
{
    /// <summary>Sources one detector-visit can number.</summary>
    public const int MaxPerDetectorVisit = 1 << 14;

    /// <summary>The id of the <paramref name="index"/>-th source of a detector-visit.</summary>
    public static long Make(long visit, int detector, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(visit);
        ArgumentOutOfRangeException.ThrowIfNegative(detector);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(detector, 200);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, MaxPerDetectorVisit);
        if (visit > ((long.MaxValue >> 14) / 200) - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(visit), visit, "the visit id is too large for the diaSourceId packing");
        }

        return (((visit * 200) + detector) << 14) | (long)index;
    }

    /// <summary>Unpacks an id made by <see cref="Make"/>.</summary>
    public static (long Visit, int Detector, int Index) Split(long id) => ((id >> 14) / 200, (int)((id >> 14) % 200), (int)(id & (MaxPerDetectorVisit - 1)));
}
