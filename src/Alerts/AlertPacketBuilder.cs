using Apdb.Records;

namespace Apdb.Alerts;

/// <summary>
/// Makes one <see cref="AlertPacket"/> per stored DiaSource: the source, the DiaObject version stored with it, the
/// object's preloaded DiaSources and DiaForcedSources in the history window before the source (midpointMjdTai in
/// (t - window, t), the APDB's read window), and the three cutouts.
/// </summary>
public sealed class AlertPacketBuilder
{
    /// <summary>Creates a builder.</summary>
    /// <param name="historyMonths">The history window, months of <see cref="ApdbStore.DaysPerMonth"/> days (Rubin: 12).</param>
    public AlertPacketBuilder(int historyMonths = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyMonths, 0);
        WindowDays = historyMonths * ApdbStore.DaysPerMonth;
    }

    /// <summary>The history window, days.</summary>
    public double WindowDays { get; }

    /// <summary>The packets of a detector-visit, in the order of <see cref="AlertInput.StoredSources"/>.</summary>
    /// <exception cref="AlertException">A stored DiaSource has no DiaObject among those stored with it.</exception>
    public IReadOnlyList<AlertPacket> Build(AlertInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var objects = new Dictionary<long, DiaObject>(input.StoredObjects.Count);
        foreach (var o in input.StoredObjects)
        {
            objects[o.DiaObjectId] = o;
        }

        var sources = ByObject(input.HistorySources, s => s.DiaObjectId, s => s.MidpointMjdTai);
        var forced = ByObject(input.HistoryForcedSources, f => f.DiaObjectId, f => f.MidpointMjdTai);
        var packets = new AlertPacket[input.StoredSources.Count];
        for (var i = 0; i < packets.Length; i++)
        {
            var source = input.StoredSources[i];
            if (source.DiaObjectId is not { } objectId || !objects.TryGetValue(objectId, out var diaObject))
            {
                throw new AlertException(
                    $"{input.DetectorVisit}: DiaSource {source.DiaSourceId} has {(source.DiaObjectId is { } id ? $"diaObjectId {id}, which is not among the {objects.Count} DiaObjects stored with it" : "no diaObjectId")}; no alerts were written for this detector-visit");
            }

            var t = source.MidpointMjdTai;
            packets[i] = new AlertPacket
            {
                DiaSource = source,
                DiaObject = diaObject,
                PrvDiaSources = Window(sources, objectId, t, s => s.MidpointMjdTai),
                PrvDiaForcedSources = Window(forced, objectId, t, f => f.MidpointMjdTai),
                CutoutDifference = CutoutOf(input.Images?.Difference, source),
                CutoutScience = CutoutOf(input.Images?.Science, source),
                CutoutTemplate = CutoutOf(input.Images?.Template, source),
            };
        }

        return packets;
    }

    private static byte[]? CutoutOf(Imaging.Exposure? exposure, DiaSource source) =>
        exposure is null ? null : Cutout.ToFits(exposure, source.X, source.Y, Cutout.SizeFor(source.BboxSize));

    private static Dictionary<long, List<T>> ByObject<T>(IReadOnlyList<T> rows, Func<T, long?> objectId, Func<T, double> time)
    {
        var map = new Dictionary<long, List<T>>();
        foreach (var row in rows)
        {
            if (objectId(row) is { } id)
            {
                if (!map.TryGetValue(id, out var list))
                {
                    map[id] = list = [];
                }

                list.Add(row);
            }
        }

        foreach (var list in map.Values)
        {
            list.Sort((a, b) => time(a).CompareTo(time(b)));
        }

        return map;
    }

    private List<T> Window<T>(Dictionary<long, List<T>> byObject, long objectId, double t, Func<T, double> time)
    {
        if (!byObject.TryGetValue(objectId, out var rows))
        {
            return [];
        }

        var start = t - WindowDays;
        return rows.Where(r => time(r) > start && time(r) < t).ToList();
    }
}
