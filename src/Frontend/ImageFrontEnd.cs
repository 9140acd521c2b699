using Apdb.Frontend.Calibration;
using Apdb.Frontend.Detection;
using Apdb.Frontend.Dia;
using Apdb.Frontend.Isr;
using Apdb.Frontend.Measurement;
using Apdb.Frontend.Subtraction;
using Apdb.Imaging;
using Apdb.Simulation;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Frontend;

/// <summary>
/// The image front end on simulated detector-visits: renders the raw exposure, calibration frames, template and
/// reference catalog from the sky truth (<c>simulate</c>), then ISR (<c>isr</c>); background, PSF, cosmic rays,
/// detection and measurement, astrometric (TAN-SIP) and photometric calibration (<c>calibrate</c>); template warp,
/// Alard-Lupton matching (of the template to the science, or of the science to the template when it is the sharper;
/// <see cref="FrontEndOptions.SubtractionMode"/>), subtraction and noise rescale (<c>subtract</c>); DIA detection at +/- threshold, measurement,
/// filters and DiaSource rows (<c>detect</c>). Thread-safe: detector-visits may run in parallel.
/// </summary>
public sealed class ImageFrontEnd : IDetectorFrontEnd
{
    private readonly FrontEndOptions _options;

    /// <summary>Creates the front end over the sky truth the history was generated from.</summary>
    public ImageFrontEnd(SkyTruth truth, FrontEndOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        _options = options ?? new FrontEndOptions();
        Renderer = new DetectorRenderer(truth, _options.Render);
    }

    /// <summary>The renderer (for its truth and calibration frames).</summary>
    public DetectorRenderer Renderer { get; }

    /// <inheritdoc />
    public FrontEndResult Process(Visit visit, int detector, CancellationToken cancellationToken = default) =>
        ProcessDetailed(visit, detector, cancellationToken).Result;

    /// <summary>Runs the chain and returns the result with the rendered inputs and diagnostics.</summary>
    public FrontEndReport ProcessDetailed(Visit visit, int detector, CancellationToken cancellationToken = default) =>
        ProcessDetailed(visit, detector, [], cancellationToken);

    /// <summary>
    /// Runs the chain, leaving stars within a matching stamp of a known variable (the preloaded DiaObjects' positions)
    /// out of the PSF-matching kernel's fit.
    /// </summary>
    public FrontEndReport ProcessDetailed(Visit visit, int detector, IReadOnlyList<SkyPosition> knownVariables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(knownVariables);
        return ProcessDetailed(visit, detector, Task.FromResult(knownVariables), cancellationToken);
    }

    /// <inheritdoc />
    public FrontEndResult Process(Visit visit, int detector, Task<IReadOnlyList<SkyPosition>> knownVariables, CancellationToken cancellationToken = default) =>
        ProcessDetailed(visit, detector, knownVariables, cancellationToken).Result;

    /// <summary>
    /// Runs the chain with the known variables still arriving (the pipeline's preload): ISR, calibration and the warp run
    /// first, and the kernel fit waits for the positions (step <c>waitKnownVariables</c>, near zero when the read was faster).
    /// </summary>
    public FrontEndReport ProcessDetailed(Visit visit, int detector, Task<IReadOnlyList<SkyPosition>> knownVariables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(knownVariables);
        var clock = new StageClock();
        var rendered = clock.Run("simulate", () => Renderer.Render(visit, detector), cancellationToken);
        try
        {
            return Run(rendered, clock, knownVariables, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"visit {visit.VisitId} detector {detector}: {ex.Message}", ex);
        }
    }

    /// <summary>Runs the chain on already rendered inputs (stages after <c>simulate</c>).</summary>
    public FrontEndReport Process(RenderedDetector rendered, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        return Run(rendered, new StageClock(), Task.FromResult<IReadOnlyList<SkyPosition>>([]), cancellationToken);
    }

    private FrontEndReport Run(RenderedDetector rendered, StageClock clock, Task<IReadOnlyList<SkyPosition>> knownVariables, CancellationToken cancellationToken)
    {
        var visit = rendered.Visit;
        if (rendered.ReferenceCatalog.Count == 0)
        {
            throw new InvalidOperationException($"no reference star falls on the detector: it lies outside the simulated region of the {Renderer.Truth.Preset.Name} preset");
        }

        var steps = new StageClock();
        var science = clock.Run("isr", () => new IsrTask().Run(rendered.Raw, rendered.Calibration), cancellationToken);

        var calibration = clock.Run("calibrate", () => Calibrate(science, rendered.ReferenceCatalog, steps), cancellationToken);

        var (difference, solution, noiseRatio, template) = clock.Run("subtract", () =>
        {
            var warped = steps.Run("warp", () => new TemplateWarper().Warp(rendered.Template, science.Wcs!, science.Width, science.Height, $"the template of visit {visit.VisitId} detector {rendered.Detector}"), cancellationToken);
            var matcher = new AlardLuptonMatcher();
            var stars = calibration.Sources
                .Where(s => (s.Flags & (MeasurementFlags.Saturated | MeasurementFlags.Edge | MeasurementFlags.CenterMasked | MeasurementFlags.Deblended | MeasurementFlags.CosmicRay | MeasurementFlags.Negative)) == 0
                    && s.PsfFluxErr > 0)
                .Select(s => (s.X, s.Y, s.PsfFlux / s.PsfFluxErr)).ToList();
            var convolveScience = _options.SubtractionMode switch
            {
                SubtractionMode.ConvolveScience => true,
                SubtractionMode.ConvolveTemplate => false,
                _ => matcher.ShouldConvolveScience(science.Psf!, warped.Psf),
            };
            var known = steps.Run("waitKnownVariables", () => knownVariables.WaitAsync(cancellationToken).GetAwaiter().GetResult(), cancellationToken);
            var variables = ToPixels(known, science.Wcs!);
            var fit = steps.Run("alFit", () => matcher.Fit(science, warped, stars, variables, convolveScience), cancellationToken);
            var diff = steps.Run("alConvolve", () => matcher.Subtract(science, warped, fit), cancellationToken);
            if (_options.Decorrelate)
            {
                var plain = diff;
                diff = steps.Run("decorrelate", () => new DifferenceDecorrelator().Decorrelate(plain, science, warped, fit).Difference, cancellationToken);
                // The decorrelated difference has planes of its own: the plain one's are dead and go back for reuse.
                ScratchPlanes<float>.Return(plain.Image);
                ScratchPlanes<float>.Return(plain.Variance);
                ScratchPlanes<int>.Return(plain.Mask);
            }

            // The differential background is fitted on star stamps only; a residual offset of a few hundredths of the
            // pixel noise shifts the S/N distribution enough to double the 5-sigma false detections: take it out on meshes.
            steps.Run("diffBackground", () => SubtractResidualBackground(diff), cancellationToken);
            var ratio = steps.Run("noiseRescale", () => AlardLuptonMatcher.RescaleNoise(diff, science.Mask), cancellationToken);
            return (diff, fit, ratio, warped);
        }, cancellationToken);

        var snrScale = 1.0;
        var (rows, detections, filtered) = clock.Run("detect", () =>
        {
            var detector = new SourceDetector { Threshold = _options.DiaThreshold, BothSigns = true, NormalizeSnr = true };
            // The difference's PSF: the science's, or the template's when the science was convolved to match it.
            var (peaks, snr) = steps.Run("diaDetect", () => detector.Detect(difference, difference.Psf!.FwhmPixels), cancellationToken);
            var measured = steps.Run("diaMeasure", () => new SourceMeasurer().Measure(difference, peaks, snr), cancellationToken);
            var processed = AstroConstants.ToMjd(_options.Clock.GetUtcNow());
            var (built, dropped) = new DiaSourceBuilder().Build(measured, difference, science, visit.VisitId, rendered.Detector,
                visit.BandLetter.ToString(), visit.MidpointMjdTai, visit.ExposureTimeSeconds, processed);
            snrScale = detector.SnrScale;
            return (built, peaks.Count, dropped);
        }, cancellationToken);

        var result = new FrontEndResult { DiaSources = rows, Difference = difference, Science = science, Template = template, Stages = clock.Stages };
        var diagnostics = new FrontEndDiagnostics
        {
            ScienceSources = calibration.Sources.Count,
            CosmicRayPixels = calibration.CosmicRayPixels,
            Psf = science.Psf!.Description,
            PsfFwhmPixels = science.Psf.FwhmPixels,
            AstrometryMatches = calibration.Astrometry.Matches,
            AstrometryRmsMas = calibration.Astrometry.RmsMas,
            AstrometryOrder = calibration.Astrometry.SipOrder,
            NanojanskyPerElectron = calibration.Calib.NanojanskyPerCount,
            ZeroPointStars = calibration.ZeroPointStars,
            ZeroPointRelativeError = calibration.ZeroPointError,
            Stamps = (solution.StampsUsed, solution.StampsOffered),
            KernelSpatialOrder = solution.SpatialOrder,
            KernelSum = solution.KernelSumAtCentre,
            ConvolvedScience = solution.ConvolvesScience,
            DifferencePsfFwhmPixels = difference.Psf!.FwhmPixels,
            DifferenceNoiseRatio = noiseRatio,
            DiaDetections = detections,
            DiaFiltered = filtered,
            DiaSnrScale = snrScale,
            Steps = steps.Stages,
            StageCpuSeconds = clock.CpuSeconds,
        };
        return new FrontEndReport(result, rendered, diagnostics);
    }

    /// <summary>
    /// Background, PSF, cosmic rays, detection and measurement, astrometry, zero point; leaves the exposure in nJy with
    /// its fitted WCS, PSF and calibration.
    /// </summary>
    internal CalibrationResult Calibrate(Exposure science, IReadOnlyList<ReferenceStar> reference, StageClock? steps = null)
    {
        steps ??= new StageClock();
        var none = CancellationToken.None;
        var w = science.Width;
        var h = science.Height;
        var unusable = (int)MaskPlanes.Unusable;
        var background = steps.Run("background", () => BackgroundEstimator.Estimate(science.Image, w, h, science.Mask, unusable), none);
        // Row by row from the mesh map (no level or RMS plane is made).
        Parallel.For(0, h, () => (new float[w], new float[w]), (y, _, rows) =>
        {
            background.FillRow(y, rows.Item1, rows.Item2);
            var image = science.Image.AsSpan(y * w, w);
            for (var x = 0; x < w; x++)
            {
                image[x] -= rows.Item1[x];
            }

            return rows;
        }, _ => { });

        var sigma = PixelMath.SquareRoots(science.Variance);
        PsfEstimate psf;
        try
        {
            psf = steps.Run("psf", () => new PsfEstimator().Estimate(science.Image, w, h, sigma, science.Mask, unusable), none);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException($"PSF: {ex.Message}", ex);
        }

        science.Psf = psf.Psf;
        var crPixels = steps.Run("cosmicRays", () => new CosmicRayFinder().Run(science, psf.Psf.FwhmPixels), none);
        var (peaks, snr) = steps.Run("detect", () => new SourceDetector { Threshold = _options.ScienceThreshold }.Detect(science, psf.Psf.FwhmPixels), none);
        var sources = steps.Run("measure", () => new SourceMeasurer().Measure(science, peaks, snr), none);
        var initial = science.Wcs ?? throw new InvalidOperationException("the raw exposure has no initial WCS");
        var astrometry = steps.Run("astrometry", () => new AstrometricFitter().Fit(initial, sources, reference), none);
        science.Wcs = astrometry.Wcs;
        var (calib, stars, error) = new PhotometricCalibrator().Fit(sources, reference, astrometry.Pairs);

        // Calibrated exposure: nJy.
        var f = (float)calib.NanojanskyPerCount;
        var f2 = f * f;
        Parallel.For(0, h, y =>
        {
            for (var k = y * w; k < (y + 1) * w; k++)
            {
                science.Image[k] *= f;
                science.Variance[k] *= f2;
            }
        });
        science.PhotoCalib = PhotoCalib.Identity;
        science.Metadata.Set("BUNIT", "nJy", "calibrated");
        science.Metadata.Set("NJYPERE", calib.NanojanskyPerCount, "fitted nJy per electron");
        var scaled = sources.Select(s => s with
        {
            PsfFlux = s.PsfFlux * f, PsfFluxErr = s.PsfFluxErr * f, ApFlux = s.ApFlux * f, ApFluxErr = s.ApFluxErr * f,
        }).ToList();
        return new CalibrationResult(scaled, astrometry, calib, stars, error, crPixels);
    }

    private static bool SubtractResidualBackground(Exposure difference)
    {
        var w = difference.Width;
        var h = difference.Height;
        var map = BackgroundEstimator.Estimate(difference.Image, w, h, difference.Mask, (int)MaskPlanes.Unusable, meshSize: 128);
        Parallel.For(0, h, () => (new float[w], new float[w]), (y, _, rows) =>
        {
            map.FillRow(y, rows.Item1, rows.Item2);
            for (var x = 0; x < w; x++)
            {
                difference.Image[(y * w) + x] -= rows.Item1[x];
            }

            return rows;
        }, _ => { });
        return true;
    }

    private static List<(double X, double Y)> ToPixels(IReadOnlyList<SkyPosition> positions, TanWcs wcs)
    {
        var pixels = new List<(double X, double Y)>(positions.Count);
        foreach (var p in positions)
        {
            if (wcs.TrySkyToPixel(p, out var x, out var y))
            {
                pixels.Add((x, y));
            }
        }

        return pixels;
    }

    internal sealed record CalibrationResult(IReadOnlyList<SourceMeasurement> Sources, AstrometricSolution Astrometry, PhotoCalib Calib, int ZeroPointStars, double ZeroPointError, int CosmicRayPixels);
}
