using System.Diagnostics;
using Apdb.Frontend;
using Apdb.Pipeline.DiaPipe;
using Apdb.Imaging;
using Apdb.Simulation;

namespace Apdb.Pipeline;

/// <summary>
/// A front end without images: the DiaSources of a new visit come from the simulation's catalog-level measurement
/// (<see cref="HistoryGenerator"/> run over the history plus the continuation months, the same rows the history is
/// made of), so DiaPipe and the APDB can be exercised and benchmarked without the image stages. The exposures it
/// returns are coarse (8 arcsec pixels) flat-noise images at the visit's sky noise with the detector's WCS, so forced
/// photometry runs for real but measures noise around zero. Reports one stage, <c>simulate</c>.
/// </summary>
/// <remarks>
/// The generator's own association (exact, by truth) is kept as <see cref="TruthObjectId"/> for tests. The generator
/// runs over the survey's <see cref="LoadedSurvey.Truth"/>, the one an image front end renders: the history's sources
/// plus the transients that appear during the continuation, so both front ends see the same sky on a new visit.
/// </remarks>
public sealed class CatalogFrontEnd : IDetectorFrontEnd
{
    private const double CoarsePixelArcsec = 8.0;
    private const int CoarsePixels = 150;

    private readonly Lazy<Dictionary<(long Visit, short Detector), List<DiaSourceRow>>> _rows;
    private readonly Dictionary<long, long> _truthObject = [];
    private readonly Dictionary<(long Visit, short Detector, long DiaObjectId), ForcedFlux> _forced = [];
    private readonly int _extraMonths;

    /// <summary>Prepares the front end for a loaded survey; rows are generated on first use.</summary>
    /// <param name="survey">The loaded survey.</param>
    /// <param name="extraMonths">Months after the history to generate (1 to the survey's <see cref="LoadedSurvey.ContinuedMonths"/>): fewer is faster.</param>
    public CatalogFrontEnd(LoadedSurvey survey, int extraMonths = LoadedSurvey.ContinuationMonths)
    {
        ArgumentNullException.ThrowIfNull(survey);
        ArgumentOutOfRangeException.ThrowIfLessThan(extraMonths, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(extraMonths, survey.ContinuedMonths);
        Survey = survey;
        _extraMonths = extraMonths;
        _rows = new Lazy<Dictionary<(long, short), List<DiaSourceRow>>>(Generate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>
    /// The simulation's forced measurement of a DiaObject (by the generator's object id, which equals the APDB's for
    /// the history's variables) in a new detector-visit, or null when the generator measured none there.
    /// </summary>
    public ForcedFlux? SimulatedForced(long visitId, int detector, long diaObjectId)
    {
        _ = _rows.Value;
        return _forced.TryGetValue((visitId, (short)detector, diaObjectId), out var f) ? f : null;
    }

    /// <summary>The survey.</summary>
    public LoadedSurvey Survey { get; }

    /// <summary>The generator's (truth) DiaObject of a new DiaSource, or null when unknown.</summary>
    public long? TruthObjectId(long diaSourceId)
    {
        _ = _rows.Value;
        lock (_truthObject)
        {
            return _truthObject.TryGetValue(diaSourceId, out var id) ? id : null;
        }
    }

    /// <summary>The catalog-level rows of one new detector-visit (empty when nothing was detected there).</summary>
    public IReadOnlyList<DiaSourceRow> Rows(long visitId, int detector) =>
        _rows.Value.TryGetValue((visitId, (short)detector), out var rows) ? rows : [];

    /// <inheritdoc />
    public FrontEndResult Process(Visit visit, int detector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        var clock = Stopwatch.StartNew();
        cancellationToken.ThrowIfCancellationRequested();
        var sources = Rows(visit.VisitId, detector).Select(r => DiaSourceRows.ToRecord(r)).ToList();
        var footprint = visit.Geometry.Footprint(detector);
        var difference = FlatNoise(visit, detector, footprint, 1);
        var science = FlatNoise(visit, detector, footprint, 2);
        return new FrontEndResult
        {
            DiaSources = sources,
            Difference = difference,
            Science = science,
            Stages = [new StageTiming("simulate", clock.Elapsed.TotalSeconds)],
        };
    }

    private Dictionary<(long, short), List<DiaSourceRow>> Generate()
    {
        var generator = new HistoryGenerator(Survey.Region, Survey.Months + _extraMonths, Survey.Seed, Survey.Truth);
        var firstNew = Survey.HistoryVisitCount < generator.Cadence.Visits.Count
            ? generator.Cadence.Visits[Survey.HistoryVisitCount].MidpointMjdTai
            : double.PositiveInfinity;
        var rows = new Dictionary<(long, short), List<DiaSourceRow>>();
        foreach (var batch in generator.Generate())
        {
            foreach (var row in batch.Sources)
            {
                if (row.MidpointMjdTai < firstNew)
                {
                    continue;
                }

                var key = (row.Visit, row.Detector);
                if (!rows.TryGetValue(key, out var list))
                {
                    rows[key] = list = [];
                }

                list.Add(row);
                lock (_truthObject)
                {
                    _truthObject[row.DiaSourceId] = row.DiaObjectId;
                }
            }

            foreach (var f in batch.ForcedSources)
            {
                if (f.MidpointMjdTai >= firstNew)
                {
                    _forced[(f.Visit, f.Detector, f.DiaObjectId)] = new ForcedFlux(f.PsfFlux, f.PsfFluxErr, f.ScienceFlux, f.ScienceFluxErr);
                }
            }
        }

        return rows;
    }

    private static Exposure FlatNoise(Visit visit, int detector, Sky.DetectorFootprint footprint, int plane)
    {
        var n = CoarsePixels * CoarsePixels;
        var image = new float[n];
        var variance = new float[n];
        var random = new Random(unchecked((visit.Index * 397) ^ (detector * 31) ^ plane));
        for (var i = 0; i < n; i++)
        {
            // Box-Muller: unit-variance Gaussian noise.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            image[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
            variance[i] = 1f;
        }

        var scale = CoarsePixelArcsec / 3600.0;
        var centre = (CoarsePixels - 1) / 2.0;
        var fwhm = Math.Max(1.5, visit.SeeingArcsec / CoarsePixelArcsec);
        var sigma = fwhm / AstroConstants.FwhmPerSigma;
        // A PSF fit on unit-variance noise has error sqrt(4 pi sigma^2) counts: scale so that it is the visit's sky noise.
        var calib = new PhotoCalib(visit.SkyNoiseNjy / Math.Sqrt(4.0 * Math.PI * sigma * sigma));
        return new Exposure(CoarsePixels, CoarsePixels, image, variance)
        {
            Wcs = new TanWcs(centre, centre, footprint.Center, [-scale, 0, 0, scale]),
            Psf = new GaussianPsf(fwhm),
            PhotoCalib = calib,
        };
    }
}
