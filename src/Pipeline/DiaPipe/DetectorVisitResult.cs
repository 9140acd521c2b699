using Apdb.Alerts;
using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>The outcome of one detector-visit through the front end and DiaPipe.</summary>
public sealed class DetectorVisitResult(
    DetectorVisit detectorVisit, double visitMjdTai, IReadOnlyList<StageSpan> spans, DiaPipeCounts counts,
    IReadOnlyList<DiaSource> sources, IReadOnlyList<DiaObjectLast> preloadedObjects, StoreResult store)
{

    /// <summary>The detector-visit.</summary>
    public DetectorVisit DetectorVisit { get; } = detectorVisit;

    /// <summary>The visit's midpoint, MJD TAI.</summary>
    public double VisitMjdTai { get; } = visitMjdTai;

    /// <summary>Every stage, in the order it started.</summary>
    public IReadOnlyList<StageSpan> Spans { get; } = spans;

    /// <summary>Row counts.</summary>
    public DiaPipeCounts Counts { get; } = counts;

    /// <summary>The front end's DiaSources after association (<c>diaObjectId</c> null for dropped ones).</summary>
    public IReadOnlyList<DiaSource> Sources { get; } = sources;

    /// <summary>The DiaObjects the association saw.</summary>
    public IReadOnlyList<DiaObjectLast> PreloadedObjects { get; } = preloadedObjects;

    /// <summary>What the store wrote.</summary>
    public StoreResult Store { get; } = store;

    /// <summary>The DiaSources stored (each with its <c>diaObjectId</c>), in the order they were stored.</summary>
    public IReadOnlyList<DiaSource> StoredSources { get; internal set; } = [];

    /// <summary>The DiaObject versions stored.</summary>
    public IReadOnlyList<DiaObject> StoredObjects { get; internal set; } = [];

    /// <summary>The preloaded DiaSources (the history window of the padded region).</summary>
    public IReadOnlyList<DiaSource> PreloadedSources { get; internal set; } = [];

    /// <summary>The preloaded DiaForcedSources.</summary>
    public IReadOnlyList<DiaForcedSource> PreloadedForcedSources { get; internal set; } = [];

    /// <summary>The front end's exposures for alert cutouts, or null when there are none.</summary>
    public AlertImages? Images { get; internal set; }

    /// <summary>
    /// Drops what only the alerts need (the stored and preloaded rows, the images), so that the runner, which keeps a
    /// visit's results until every detector of it is done, does not hold every detector's images and history.
    /// </summary>
    internal void ReleaseAlertInputs()
    {
        StoredSources = [];
        StoredObjects = [];
        PreloadedSources = [];
        PreloadedForcedSources = [];
        Images = null;
    }

    /// <summary>Seconds of a stage (0 when it did not run).</summary>
    public double Seconds(string stage) => Spans.Where(s => s.Stage == stage).Sum(s => s.Seconds);
}
