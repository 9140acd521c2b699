using Apdb.Alerts;
using Apdb.Association;
using Apdb.ForcedPhot;
using Apdb.Frontend;
using Apdb.Records;
using Apdb.Simulation;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>
/// DiaPipe for one detector-visit, in Rubin's order: preload the padded detector region from the APDB (started
/// before the front end, running beside it, as prompt processing does), the front end, association (in-memory HEALPix
/// matcher, Rubin's current mode), new DiaObjects (diaObjectId = diaSourceId; bad-flag sources dropped), DiaObject
/// summaries of the updated objects, forced photometry on the difference and science exposures for Rubin's target
/// set, and one transactional store. Every stage is timed on one clock. Thread-safe: many detector-visits may run at
/// once on one instance.
/// </summary>
public sealed class DiaPipeline
{
    private readonly IApdb _store;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly PsfAmplitudeFitter _fitter;

    /// <summary>Creates the pipeline over an APDB.</summary>
    /// <param name="store">The APDB.</param>
    /// <param name="options">Settings; null for Rubin's defaults.</param>
    /// <param name="timeProvider">The clock for stage timings and <c>timeProcessedMjdTai</c>; null for the system clock.</param>
    public DiaPipeline(IApdb store, DiaPipeOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Options = options ?? new DiaPipeOptions();
        _time = timeProvider ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
        _fitter = new PsfAmplitudeFitter(Options.ForcedPhot);
    }

    /// <summary>The settings.</summary>
    public DiaPipeOptions Options { get; }

    /// <summary>Seconds since the pipeline was made, on its clock (the time base of every <see cref="StageSpan"/>).</summary>
    public double Now => _time.GetElapsedTime(_origin).TotalSeconds;

    /// <summary>The region DiaPipe preloads for a detector: its footprint padded by <see cref="DiaPipeOptions.RegionPaddingArcsec"/>.</summary>
    public SphericalPolygon PreloadRegion(Visit visit, int detector)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return visit.Geometry.Footprint(detector).ToPolygon(Options.RegionPaddingArcsec);
    }

    /// <summary>Reads the DiaObjects of a region and their DiaSources and DiaForcedSources of the history window.</summary>
    public async Task<DiaPreload> PreloadAsync(ISkyRegion region, double visitMjdTai, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(region);
        var start = Now;
        var objects = _store.GetDiaObjectsAsync(region, cancellationToken);
        var sources = _store.GetDiaSourcesAsync(region, visitMjdTai, Options.HistoryMonths, cancellationToken);
        var forced = _store.GetDiaForcedSourcesAsync(region, visitMjdTai, Options.HistoryMonths, cancellationToken);
        await Task.WhenAll(objects, sources, forced).ConfigureAwait(false);
        return new DiaPreload(await objects.ConfigureAwait(false), await sources.ConfigureAwait(false), await forced.ConfigureAwait(false),
            new StageSpan("preload", start, Now - start));
    }

    /// <summary>
    /// Runs one detector-visit end to end and stores it in one transaction. When <paramref name="preload"/> is given
    /// it is used as is (no read); otherwise the read starts before the front end and runs beside it.
    /// </summary>
    /// <exception cref="ApdbUserException">The store was refused (already stored, id clash); nothing was written.</exception>
    public async Task<DetectorVisitResult> ProcessAsync(
        Visit visit, int detector, IDetectorFrontEnd frontEnd, DiaPreload? preload = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(frontEnd);
        var spans = new List<StageSpan>();
        var preloadTask = preload is not null
            ? Task.FromResult(preload)
            : Task.Run(() => PreloadAsync(PreloadRegion(visit, detector), visit.MidpointMjdTai, cancellationToken), cancellationToken);

        FrontEndResult front;
        var frontStart = Now;
        var knownVariables = KnownVariablesAsync(preloadTask);
        try
        {
            front = await Task.Run(() => frontEnd.Process(visit, detector, knownVariables, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Observe the read so its failure is not left unobserved; the front end's error is the one reported.
            _ = preloadTask.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            _ = knownVariables.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            throw;
        }

        var at = frontStart;
        foreach (var stage in front.Stages)
        {
            spans.Add(new StageSpan(stage.Stage, at, stage.Seconds));
            at += stage.Seconds;
        }

        var loaded = await preloadTask.ConfigureAwait(false);
        spans.Insert(0, loaded.Span);
        if (preload is null && Options.ReloadDiaObjects)
        {
            // Other detectors stored objects while the front end ran: associate against the current ones, as
            // ap_association's doReloadDiaObjects does.
            var reloadStart = Now;
            var objects = await _store.GetDiaObjectsAsync(PreloadRegion(visit, detector), cancellationToken).ConfigureAwait(false);
            loaded = loaded with { Objects = objects };
            spans.Add(new StageSpan("reloadDiaObjects", reloadStart, Now - reloadStart));
        }

        var core = await RunCoreAsync(visit, detector, front.DiaSources, loaded, (targets, positions) => MeasureForced(front, positions), spans, cancellationToken).ConfigureAwait(false);
        core.Images = new AlertImages(front.Difference, front.Science, front.Template);
        return core;
    }

    /// <summary>The preloaded DiaObjects that are known variables (<see cref="DiaPipeOptions.KnownVariableMinDiaSources"/>), when the preload has arrived.</summary>
    private async Task<IReadOnlyList<SkyPosition>> KnownVariablesAsync(Task<DiaPreload> preload)
    {
        var minSources = Options.KnownVariableMinDiaSources;
        if (minSources <= 0)
        {
            return [];
        }

        var loaded = await preload.ConfigureAwait(false);
        return [.. loaded.Objects.Where(o => o.NDiaSources >= minSources).Select(o => SkyPosition.FromDegrees(o.Ra, o.Dec))];
    }

    /// <summary>
    /// DiaPipe after the front end, for a caller that already has the DiaSources and the preload and brings its own
    /// forced photometry (the catalog-level benchmarks): association, new objects, summaries, forced sources, store.
    /// </summary>
    /// <param name="visit">The visit.</param>
    /// <param name="detector">The detector.</param>
    /// <param name="sources">DiaSources of the detector-visit, <c>diaObjectId</c> null.</param>
    /// <param name="preload">The preload of the padded region.</param>
    /// <param name="forcedPhotometry">Given the target objects and their positions, the (difference, science) flux and error in nJy of each.</param>
    /// <param name="spans">Receives the stage timings.</param>
    /// <param name="cancellationToken">Cancels the work; a store in flight rolls back.</param>
    public Task<DetectorVisitResult> RunCoreAsync(
        Visit visit, int detector, IReadOnlyList<DiaSource> sources, DiaPreload preload,
        Func<IReadOnlyList<long>, IReadOnlyList<SkyPosition>, ForcedFlux[]> forcedPhotometry,
        List<StageSpan> spans, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(preload);
        ArgumentNullException.ThrowIfNull(forcedPhotometry);
        ArgumentNullException.ThrowIfNull(spans);
        return RunCoreInternalAsync(visit, detector, sources, preload, forcedPhotometry, spans, cancellationToken);
    }

    private async Task<DetectorVisitResult> RunCoreInternalAsync(
        Visit visit, int detector, IReadOnlyList<DiaSource> sources, DiaPreload preload,
        Func<IReadOnlyList<long>, IReadOnlyList<SkyPosition>, ForcedFlux[]> forcedPhotometry,
        List<StageSpan> spans, CancellationToken cancellationToken)
    {
        var detectorVisit = new DetectorVisit(visit.VisitId, (short)detector);
        var t = visit.MidpointMjdTai;
        var processed = ProcessedMjd();

        // associate
        var start = Now;
        var objectCatalog = Catalog.Create(preload.Objects.Select(o => new CatalogEntry(o.DiaObjectId, o.Ra, o.Dec, Err(o.RaErr), Err(o.DecErr))).ToArray(), "DiaObject");
        var sourceCatalog = Catalog.Create(sources.Select(s => new CatalogEntry(s.DiaSourceId, s.Ra, s.Dec, Err(s.RaErr), Err(s.DecErr))).ToArray(), "DiaSource");
        var association = await Associator.AssociateAsync(objectCatalog, sourceCatalog, Options.MatchRadiusArcsec, Options.Mode,
            HealpixCandidateFinder.Instance, _time, cancellationToken).ConfigureAwait(false);
        var assignments = NewObjectFilter.Assign(association.Matches, sources, Options);
        var stored = new List<DiaSource>(sources.Count);
        int matched = 0, created = 0, dropped = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            var s = sources[i];
            var a = assignments[i];
            s.DiaObjectId = a.DiaObjectId;
            switch (a.Outcome)
            {
                case SourceOutcome.Matched:
                    matched++;
                    break;
                case SourceOutcome.NewObject:
                    created++;
                    break;
                default:
                    dropped++;
                    continue;
            }

            if (s.TimeProcessedMjdTai <= 0)
            {
                s.TimeProcessedMjdTai = processed;
            }

            stored.Add(s);
        }

        spans.Add(new StageSpan("associate", start, Now - start));

        // diaCalculation: summaries over the history window of every object with a new source.
        start = Now;
        var updatedIds = new HashSet<long>(stored.Select(s => s.DiaObjectId!.Value));
        var history = preload.Sources.Where(s => s.DiaObjectId is { } id && updatedIds.Contains(id) && s.MidpointMjdTai < t).Concat(stored).ToList();
        var summaries = DiaObjectSummarizer.Summarize(DiaObjectSummaryStoreAdapter.ToHistory(history));
        var versions = summaries.Select(DiaObjectVersions.FromSummary).ToList();
        spans.Add(new StageSpan("diaCalculation", start, Now - start));

        // forcedPhot: objects on this detector (unpadded footprint) with enough good sources in the window (Rubin's rule).
        start = Now;
        var current = new Dictionary<long, ForcedCandidate>();
        foreach (var o in preload.Objects)
        {
            current[o.DiaObjectId] = new ForcedCandidate(o.Ra, o.Dec, o.NDiaSources, o.LastDiaSourceMjdTai);
        }

        foreach (var v in versions)
        {
            current[v.DiaObjectId] = new ForcedCandidate(v.Ra, v.Dec, v.NDiaSources, v.LastDiaSourceMjdTai);
        }

        var windowStart = t - (Options.HistoryMonths * ApdbStore.DaysPerMonth);
        var (targetIds, positions) = ForcedPhotometryTargets.Select(current,
            preload.Sources.Where(s => s.MidpointMjdTai > windowStart && s.MidpointMjdTai < t).Concat(stored),
            visit.Geometry.Footprint(detector).ToPolygon(), t, Options);
        var fluxes = forcedPhotometry(targetIds, positions);
        var forced = new List<DiaForcedSource>(targetIds.Count);
        var band = visit.BandLetter.ToString();
        for (var k = 0; k < targetIds.Count; k++)
        {
            var f = fluxes[k];
            forced.Add(new DiaForcedSource
            {
                DiaForcedSourceId = PackId(visit.IdIndex, detector, k),
                DiaObjectId = targetIds[k],
                Ra = positions[k].RaDeg,
                Dec = positions[k].DecDeg,
                Visit = visit.VisitId,
                Detector = (short)detector,
                MidpointMjdTai = t,
                PsfFlux = Finite(f.PsfFlux),
                PsfFluxErr = Finite(f.PsfFluxErr),
                ScienceFlux = Finite(f.ScienceFlux),
                ScienceFluxErr = Finite(f.ScienceFluxErr),
                Band = band,
                TimeProcessedMjdTai = processed,
            });
        }

        spans.Add(new StageSpan("forcedPhot", start, Now - start));

        // store: one transaction. The versions computed above choose the forced-photometry targets; the store computes
        // the ones it writes again, under the objects' row locks, over every source stored by then.
        start = Now;
        var result = await _store.StoreAsync(detectorVisit, t, DiaObjectSummaryStoreAdapter.Instance, stored, forced,
            new StoreOptions { ReplaceExisting = Options.ReplaceExisting, HistoryMonths = Options.HistoryMonths }, cancellationToken).ConfigureAwait(false);
        spans.Add(new StageSpan("store", start, Now - start));

        var counts = new DiaPipeCounts(preload.Objects.Count, preload.Sources.Count, preload.ForcedSources.Count, sources.Count,
            matched, created, dropped, versions.Count, targetIds.Count, forced.Count);
        return new DetectorVisitResult(detectorVisit, t, spans, counts, sources, preload.Objects, result)
        {
            StoredSources = stored, StoredObjects = result.Versions, PreloadedSources = preload.Sources, PreloadedForcedSources = preload.ForcedSources,
        };
    }

    /// <summary>
    /// Row ids for rows this pipeline makes: (visit index + 1) in the high bits, the detector, then a sequence number,
    /// the packing the history uses, so ids of new visits (later in the same cadence) never collide with it.
    /// </summary>
    public static long PackId(int visitIndex, int detector, int sequence) =>
        ((long)(visitIndex + 1) << 24) | ((long)detector << 16) | (uint)sequence;

    private ForcedFlux[] MeasureForced(FrontEndResult front, IReadOnlyList<SkyPosition> positions)
    {
        if (positions.Count == 0)
        {
            return [];
        }

        var diff = _fitter.MeasureSky(front.Difference, positions);
        var sci = _fitter.MeasureSky(front.Science, positions);
        var result = new ForcedFlux[positions.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new ForcedFlux(diff[i].Flux, diff[i].FluxErr, sci[i].Flux, sci[i].FluxErr);
        }

        return result;
    }

    private double ProcessedMjd() => (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalDays + AstroConstants.UnixEpochMjd;

    private static double Err(float? value) => value is { } v && v > 0 && float.IsFinite(v) ? v : double.NaN;

    private static float? Finite(double value) => double.IsFinite(value) ? (float)value : null;
}
