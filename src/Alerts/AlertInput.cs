using Apdb.Records;

namespace Apdb.Alerts;

/// <summary>What a detector-visit's alerts are made from, all of it as DiaPipe stored or preloaded it.</summary>
/// <param name="DetectorVisit">The detector-visit.</param>
/// <param name="StoredSources">The DiaSources stored, each with its <c>diaObjectId</c>: one alert each.</param>
/// <param name="StoredObjects">The DiaObject versions stored with them.</param>
/// <param name="HistorySources">The preloaded DiaSources (the history window of the padded detector region).</param>
/// <param name="HistoryForcedSources">The preloaded DiaForcedSources.</param>
/// <param name="Images">The exposures for the cutouts, or null for packets without cutouts.</param>
public sealed record AlertInput(
    DetectorVisit DetectorVisit,
    IReadOnlyList<DiaSource> StoredSources,
    IReadOnlyList<DiaObject> StoredObjects,
    IReadOnlyList<DiaSource> HistorySources,
    IReadOnlyList<DiaForcedSource> HistoryForcedSources,
    AlertImages? Images);
